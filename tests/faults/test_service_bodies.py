"""Points 2 and 10 of issue 13 against a real ``cuplik serve`` (gunicorn, its worker,
embedded Redis, SQLite): slow and cut-off bodies hold nothing and store nothing, an
upload exactly at the limit is accepted, a truncated fast-start MP4 is rejected at
ingest, and the service's files are private to its user."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cuplik.local_service import LocalService, local_service
from tests.faults.hostile import truncated_faststart_mp4
from tests.footage import make_clip

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
LIMIT = 2_000_000


class Service:
    def __init__(self, local: LocalService, var: Path) -> None:
        self.local, self.var = local, var
        self.key = local.create_key("faults-shop")
        self.host, self.port = "127.0.0.1", int(local.base.rsplit(":", 1)[1])

    def call(self, method: str, path: str, data: bytes | None = None,
             headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, Any]:
        hdrs = {"Authorization": f"Bearer {self.key}", **(headers or {})}
        req = urllib.request.Request(self.local.base + path, data=data, method=method,
                                     headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                raw = resp.read()
                return resp.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as err:
            raw = err.read()
            return err.code, json.loads(raw) if raw else None

    def raw(self, head: str) -> socket.socket:
        """A connection that has sent ``head`` (request line and headers)."""
        sock = socket.create_connection((self.host, self.port), timeout=60)
        sock.sendall(head.encode())
        return sock

    def upload_head(self, length: int) -> str:
        return (f"POST /v1/footage HTTP/1.1\r\nHost: {self.host}\r\n"
                f"Authorization: Bearer {self.key}\r\nContent-Type: video/mp4\r\n"
                f"Content-Length: {length}\r\n\r\n")

    def uploads(self) -> list[str]:
        root = self.var / "media" / "uploads"
        return sorted(p.name for p in root.iterdir()) if root.exists() else []

    def footage_ids(self) -> list[str]:
        status, body = self.call("GET", "/v1/footage")
        assert status == 200, body
        return [item["id"] for item in body["items"]]


def _status_of(sock: socket.socket) -> int:
    data = b""
    while b"\r\n" not in data:
        piece = sock.recv(4096)
        if not piece:
            break
        data += piece
    sock.close()
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    var = tmp_path_factory.mktemp("var")
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "DATABASE_URL", "MEDIA_ROOT")}
    env.update(VAR_DIR=str(var), PYTHONPATH=str(ROOT), MAX_UPLOAD_BYTES=str(LIMIT))
    with local_service(var / "serve.log", env=env, cwd=ROOT) as local:
        yield Service(local, var)


def test_trickling_bodies_are_cut_off_and_healthz_stays_up(service: Service) -> None:
    before = service.footage_ids()
    socks = [service.raw(service.upload_head(1_000_000)) for _ in range(10)]
    stop = threading.Event()

    def trickle() -> None:  # a few bytes a second on every connection
        while not stop.is_set():
            for sock in socks:
                with contextlib.suppress(OSError):  # cut off by the server
                    sock.send(b"\x00" * 4)
            stop.wait(1.0)

    feeder = threading.Thread(target=trickle, daemon=True)
    feeder.start()
    try:
        time.sleep(1.0)
        started = time.monotonic()
        with urllib.request.urlopen(service.local.base + "/healthz", timeout=30) as resp:
            assert resp.status == 200
        assert time.monotonic() - started < 20
        statuses = [_status_of(sock) for sock in socks]
    finally:
        stop.set()
        feeder.join(timeout=5)
        for sock in socks:
            sock.close()
    assert statuses == [408] * 10
    assert service.footage_ids() == before
    assert not [name for name in service.uploads() if name.endswith(".part")]


def test_a_body_cut_off_before_its_length_stores_nothing(service: Service) -> None:
    before, files = service.footage_ids(), service.uploads()
    sock = service.raw(service.upload_head(200_000))
    sock.sendall(b"\x00" * 100_000)
    sock.shutdown(socket.SHUT_WR)  # the phone lost its connection
    assert _status_of(sock) == 400
    time.sleep(0.5)
    assert service.footage_ids() == before
    assert service.uploads() == files


def test_an_upload_exactly_at_the_limit_is_accepted_and_one_byte_more_is_not(
        service: Service) -> None:
    status, body = service.call("POST", "/v1/footage", data=b"\x00" * LIMIT,
                                headers={"Content-Type": "video/mp4"})
    assert status == 202, body
    assert body["size_bytes"] == LIMIT
    status, body = service.call("POST", "/v1/footage", data=b"\x00" * (LIMIT + 1),
                                headers={"Content-Type": "video/mp4"})
    assert status == 413 and f"{LIMIT:,} bytes" in body["detail"]


def test_a_truncated_fast_start_mp4_is_rejected_at_ingest_not_after_renders(
        service: Service, tmp_path: Path) -> None:
    cut = truncated_faststart_mp4(tmp_path / "cut.mp4", seconds=12, keep=0.5)
    status, body = service.call("POST", "/v1/footage", data=cut.read_bytes(),
                                headers={"Content-Type": "video/mp4"})
    assert status == 202, body
    deadline = time.monotonic() + 90
    while body["status"] == "uploaded":
        assert time.monotonic() < deadline, body
        time.sleep(0.3)
        status, body = service.call("GET", f"/v1/footage/{body['id']}")
    assert body["status"] == "rejected", body
    assert "holds only" in body["reason"] and "12.0 s its header states" in body["reason"]


def test_the_database_uploads_and_redis_data_are_private_to_the_service(
        service: Service) -> None:
    status, _ = service.call("POST", "/v1/footage", data=b"\x00" * 1000,
                             headers={"Content-Type": "video/mp4"})
    assert status == 202
    checked = []
    for path in [service.var, *service.var.rglob("*")]:
        if path.name == "serve.log" or path.is_symlink():
            continue  # written by the test's own redirect, not by the service
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"
        checked.append(path.relative_to(service.var).as_posix())
    assert "cuplik.db" in checked
    assert any(p.startswith("media/uploads/") for p in checked)
    assert any(p.startswith("redis/") for p in checked)


def test_a_resumable_upload_cut_mid_chunk_resumes_and_is_ingested(
        service: Service, tmp_path: Path) -> None:
    data = make_clip(tmp_path / "phone.mp4", seconds=4, size="320x180", fps=15).read_bytes()
    status, upload = service.call("POST", "/v1/footage/uploads", data=json.dumps(
        {"size": len(data), "filename": "phone.mp4"}).encode(),
        headers={"Content-Type": "application/json"})
    assert status == 201, upload
    path = upload["links"]["self"]
    sock = service.raw(f"PATCH {path} HTTP/1.1\r\nHost: {service.host}\r\n"
                       f"Authorization: Bearer {service.key}\r\n"
                       f"Content-Type: application/offset+octet-stream\r\n"
                       f"Upload-Offset: 0\r\nContent-Length: {len(data)}\r\n\r\n")
    half = len(data) // 2
    sock.sendall(data[:half])
    sock.shutdown(socket.SHUT_WR)  # the train went into a tunnel
    _status_of(sock)
    status, where = service.call("GET", path)
    assert status == 200 and where["offset"] == half  # nothing that arrived was lost
    status, footage = service.call("PATCH", path, data=data[half:],
                                   headers={"Upload-Offset": str(half)})
    assert status == 201, footage
    deadline = time.monotonic() + 90
    while footage["status"] == "uploaded":
        assert time.monotonic() < deadline, footage
        time.sleep(0.3)
        status, footage = service.call("GET", f"/v1/footage/{footage['id']}")
    assert footage["status"] == "ready", footage
    assert footage["duration_s"] == pytest.approx(4.0, abs=0.2)
