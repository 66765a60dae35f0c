"""The list routes page the same way (``api.paging``): newest first, the total of what
the filters match, ``links.self`` and ``links.next`` that keep the filters, and no
``next`` on the last page."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from store.db import Database
from tests.unit.api.conftest import Clock, ready_footage


def _walk(client: FlaskClient, headers: dict[str, str], url: str) -> tuple[list[str], list[dict]]:
    """Every item id of a list, page by page through ``links.next``, and each page."""
    ids, pages = [], []
    next_url: str | None = url
    while next_url:
        page = client.get(next_url, headers=headers).get_json()
        pages.append(page)
        ids += [item["id"] for item in page["items"]]
        next_url = page["links"].get("next")
    return ids, pages


def test_footage_pages_newest_first_and_the_next_link_keeps_the_filter(
        client: FlaskClient, db: Database, alice: dict[str, str], clock: Clock) -> None:
    made = []
    for _ in range(3):
        clock.at += timedelta(seconds=1)
        made.append(ready_footage(client, db, alice))
    client.post("/v1/footage", data=b"x" * 100, headers={**alice, "Content-Type": "video/mp4"})
    ids, pages = _walk(client, alice, "/v1/footage?status=ready&limit=2")
    assert ids == made[::-1]
    assert [(p["total"], p["limit"], p["offset"]) for p in pages] == [(3, 2, 0), (3, 2, 2)]
    assert pages[0]["links"] == {"self": "/v1/footage?status=ready&limit=2&offset=0",
                                 "next": "/v1/footage?status=ready&limit=2&offset=2"}
    assert pages[1]["links"] == {"self": "/v1/footage?status=ready&limit=2&offset=2"}


def test_teasers_page_newest_first_and_the_next_link_keeps_the_filters(
        client: FlaskClient, db: Database, alice: dict[str, str], clock: Clock) -> None:
    footage_id = ready_footage(client, db, alice)
    made = []
    for _ in range(3):
        clock.at += timedelta(seconds=1)
        response = client.post("/v1/teasers", json={"footage_id": footage_id}, headers=alice)
        assert response.status_code == 202, response.get_json()
        made.append(response.get_json()["id"])
    url = f"/v1/teasers?unlinked=true&footage_id={footage_id}&limit=1&offset=1"
    ids, pages = _walk(client, alice, url)
    assert ids == made[::-1][1:]
    assert pages[0]["total"] == 3 and pages[-1]["links"].get("next") is None
    assert pages[0]["links"]["next"] == (f"/v1/teasers?unlinked=True&footage_id={footage_id}"
                                         "&limit=1&offset=2")
    assert client.get("/v1/teasers?offset=3", headers=alice).get_json()["items"] == []
