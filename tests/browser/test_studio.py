"""The seller studio in a real browser: Debian's Chromium driven by Playwright against a
real ``cuplik serve`` with its worker. Each test follows one flow and asserts what the
seller sees; every page is checked with axe-core (no critical violations) and
photographed in both languages at laptop and phone width under ``var/screenshots``.

Without Chromium (or Playwright) these tests say so and skip; ``.ci/run`` installs the
Debian packages first, so CI always runs them.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cuplik.local_service import LocalService, local_service
from tests.footage import make_clip

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
WIDTHS = {"laptop": (1366, 900), "phone": (390, 844)}

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: "
                               "pip install -e '.[dev]' brings it")
if not shutil.which(CHROMIUM):
    pytest.skip(f"BROWSER TESTS SKIPPED: no Chromium at {CHROMIUM}. Install Debian's "
                "'chromium' and 'chromium-driver' (.ci/run does) or set CHROMIUM.",
                allow_module_level=True)
AXE = Path(pytest.importorskip("axe_playwright_python").__file__).parent / "axe.min.js"


def _api(local: LocalService, method: str, path: str, key: str, body: Any = None,
         data: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
    hdrs = {"Authorization": f"Bearer {key}", **(headers or {})}
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    req = urllib.request.Request(local.base + path, data=data, method=method, headers=hdrs)
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"null")


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalService]:
    var = tmp_path_factory.mktemp("var")
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "DATABASE_URL", "MEDIA_ROOT")}
    env.update(VAR_DIR=str(var), PYTHONPATH=str(ROOT))
    with local_service(var / "serve.log", env=env, cwd=ROOT) as local:
        yield local


@pytest.fixture(scope="module")
def seller(service: LocalService, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A seller with a catalogue and a past session whose recording is ingested."""
    key = service.create_key("toko-studio")
    _api(service, "PUT", "/v1/catalogue", key, {
        "products": [{"id": "SKU-SERUM", "name": "Serum Glow"},
                     {"id": "SKU-TONER", "name": "Toner Segar"},
                     {"id": "SKU-MASK", "name": "Masker Madu"}],
        "promotion_tools": [{"id": "v-30", "kind": "voucher", "product_ids": ["SKU-SERUM"]}]})
    clip = make_clip(tmp_path_factory.mktemp("clip") / "live.mp4", seconds=30,
                     size="640x360", fps=30)
    footage = _api(service, "POST", "/v1/footage", key, data=clip.read_bytes(),
                   headers={"Content-Type": "video/mp4", "X-Filename": "live.mp4"})
    deadline = time.monotonic() + 120
    while footage["status"] not in ("ready", "rejected"):
        assert time.monotonic() < deadline, footage
        time.sleep(0.3)
        footage = _api(service, "GET", f"/v1/footage/{footage['id']}", key)
    assert footage["status"] == "ready", footage
    rows = [{"t": t, "viewers": 150, "views": 180, "room_impressions": 900, "room_enters": 120,
             "product_impressions": 300 + (300 if t == 15 else 0),
             "product_clicks": 8 + (50 if t == 15 else 0),
             "gmv": 20000 + (900000 if t == 15 else 0), "orders": 1 + (12 if t == 15 else 0),
             "comments": 4, "likes": 12, "shares": 1, "new_followers": 0,
             "pinned_product": "SKU-SERUM" if t == 15 else ""} for t in range(0, 30, 5)]
    session = _api(service, "POST", "/v1/sessions", key, {
        "title": "Flash sale serum", "category": "Beauty",
        "started_at": "2026-11-20T19:00:00+07:00", "ended_at": "2026-11-20T19:30:00+07:00",
        "timeline": rows, "footage_id": footage["id"]})
    return {"key": key, "session_id": session["id"]}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(page: Any, service: LocalService, key: str) -> None:
    page.goto(service.base + "/studio/signin")
    page.get_by_label("Kunci API").fill(key)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/studio/overview")


def no_critical_violations(page: Any) -> None:
    """axe-core (shipped in a PyPI wheel) finds nothing critical on the page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    critical = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                for v in result["violations"] if v["impact"] == "critical"]
    assert critical == [], critical


def photograph(page: Any, name: str) -> None:
    """The page in both languages at both widths, checked with axe in each."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    url = page.url.split("?")[0]
    for lang in ("id", "en"):
        for width_name, (w, h) in WIDTHS.items():
            page.set_viewport_size({"width": w, "height": h})
            page.goto(f"{url}?lang={lang}")
            no_critical_violations(page)
            page.screenshot(path=str(SHOTS / f"{name}-{lang}-{width_name}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{url}?lang=id")


def test_sign_in_refuses_a_wrong_key_then_opens_the_overview(
        page: Any, service: LocalService, seller: dict[str, Any]) -> None:
    page.goto(service.base + "/studio/overview")
    assert "/studio/signin" in page.url
    page.get_by_label("Kunci API").fill("cpk_wrong")
    page.get_by_role("button", name="Masuk").click()
    assert page.get_by_role("alert").inner_text() == "Kunci API ini tidak valid atau sudah dicabut."
    photograph(page, "signin")
    sign_in(page, service, seller["key"])
    assert page.get_by_role("heading", level=1).inner_text() == "Ringkasan"
    assert page.locator('[data-metric="gmv"] dd').inner_text().startswith("IDR")
    cookie = next(c for c in page.context.cookies() if c["name"] == "cuplik_studio")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert seller["key"] not in json.dumps(page.context.cookies())
    photograph(page, "overview")
    page.get_by_role("button", name="Keluar").click()
    page.goto(service.base + "/studio/plans")
    assert "/studio/signin" in page.url


def test_a_plan_refused_keeps_the_form_then_is_created_with_its_checklist(
        page: Any, service: LocalService, seller: dict[str, Any]) -> None:
    sign_in(page, service, seller["key"])
    page.goto(service.base + "/studio/plans/new")
    photograph(page, "plan-new")
    page.get_by_label("Deskripsi").fill("Malam serum")
    page.get_by_label("Toner Segar").check()
    page.get_by_label("Masker Madu").check()
    page.get_by_role("button", name="Buat", exact=True).click()
    title = page.get_by_label("Judul")
    assert title.get_attribute("aria-invalid") == "true"
    assert "Judul: isi minimal 1 karakter" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Deskripsi").input_value() == "Malam serum"
    assert page.get_by_label("Toner Segar").is_checked()
    title.fill("Malam Serum Glow")
    page.get_by_role("button", name="Buat", exact=True).click()
    page.wait_for_url("**/studio/plans/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Malam Serum Glow"
    missing = page.locator("#missing li").all_inner_texts()
    assert missing == ["Tambahkan minimal 1 alat promosi.", "Tambahkan minimal 1 video teaser."]
    slots = page.locator("#slots li").all_inner_texts()
    assert len(slots) == 2 and "Besok" in slots[0] and "1 jam lagi" in slots[1]
    photograph(page, "plan")
    page.get_by_label("voucher").check()
    page.get_by_role("button", name="Simpan").click()
    assert page.locator("#missing li").all_inner_texts() == ["Tambahkan minimal 1 video teaser."]
    # A rule of the domain refuses: its own words, in the seller's language, field marked.
    page.goto(service.base + "/studio/plans/new")
    page.get_by_label("Judul").fill("Malam kemarin")
    page.get_by_label("Mulai", exact=False).first.fill("2020-01-01T19:00")
    page.get_by_label("Toner Segar").check()
    page.get_by_role("button", name="Buat", exact=True).click()
    assert page.locator("#start").get_attribute("aria-invalid") == "true"
    assert "Waktu mulai LIVE harus di masa depan" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Judul").input_value() == "Malam kemarin"


def test_upload_shows_progress_then_the_ingest_outcome(
        page: Any, service: LocalService, seller: dict[str, Any],
        tmp_path: Path) -> None:
    sign_in(page, service, seller["key"])
    page.goto(service.base + "/studio/footage")
    photograph(page, "footage")
    clip = make_clip(tmp_path / "toko.mp4", seconds=12, size="640x360", fps=30)
    junk = tmp_path / "rusak.mp4"
    junk.write_bytes(b"this is not a video" * 100)
    page.set_input_files("#file", str(clip))
    page.wait_for_function("document.getElementById('upload-progress').value === 1")
    page.wait_for_selector('#footage-list li[data-status="ready"]', timeout=90_000)
    page.set_input_files("#file", str(junk))
    page.wait_for_selector('#footage-list li[data-status="rejected"]', timeout=90_000)
    reason = page.locator('#footage-list li[data-status="rejected"] .problem-inline').inner_text()
    assert reason.strip(), "a rejected upload says why"


def test_a_teaser_renders_with_live_progress_and_plays(
        page: Any, service: LocalService, seller: dict[str, Any]) -> None:
    sign_in(page, service, seller["key"])
    page.goto(service.base + "/studio/teasers")
    photograph(page, "teasers")
    page.locator(f'input[value="session:{seller["session_id"]}"]').check()
    page.get_by_role("button", name="Buat teaser").click()
    page.wait_for_url("**/studio/teasers/*")
    seen = set()
    deadline = time.monotonic() + 180
    while page.locator("#status").get_attribute("data-status") not in ("ready", "failed"):
        seen.add(page.locator("#progress").get_attribute("value"))
        assert time.monotonic() < deadline, "the teaser never finished"
        time.sleep(0.2)
    page.wait_for_selector("#video")
    assert page.locator("#status").get_attribute("data-status") == "ready"
    assert page.locator("#progress").get_attribute("value") == "1"
    moments = page.locator("#moments li").all_inner_texts()
    assert moments and any("SKU-SERUM" in m for m in moments), moments
    assert page.locator("svg.chart rect.mark").count() == len(moments)
    page.get_by_label("Tampilkan antarmuka pemutar video pendek").check()
    assert page.locator("#ui-avatar").is_visible()
    page.evaluate("() => { const v = document.getElementById('video'); v.muted = true; "
                  "return v.play(); }")
    page.wait_for_function("document.getElementById('video').currentTime > 0.5",
                           timeout=20_000)
    photograph(page, "teaser")
    caption = page.get_by_label("Keterangan", exact=False)
    caption.fill("Besok LIVE jam 7!")
    assert page.locator("#caption-count").inner_text() == "17"


def test_hub_lists_with_filters_and_ops_page_is_for_ops_keys(
        page: Any, service: LocalService, seller: dict[str, Any]) -> None:
    sign_in(page, service, seller["key"])
    page.goto(service.base + "/studio/hub")
    assert page.get_by_label("Urutkan").count() == 1
    photograph(page, "hub")
    page.goto(service.base + "/studio/ops")
    assert "ops" in page.get_by_role("alert").inner_text().lower()


def test_ops_page_shows_batches_with_progress_queue_depths_and_failures_with_reasons(
        page: Any, service: LocalService, seller: dict[str, Any],
        tmp_path: Path) -> None:
    key = seller["key"]
    clip = make_clip(tmp_path / "kecil.mp4", seconds=8, size="640x360", fps=30)
    footage = _api(service, "POST", "/v1/footage", key, data=clip.read_bytes(),
                   headers={"Content-Type": "video/mp4", "X-Filename": "kecil.mp4"})
    deadline = time.monotonic() + 120
    while footage["status"] not in ("ready", "rejected"):
        assert time.monotonic() < deadline, footage
        time.sleep(0.3)
        footage = _api(service, "GET", f"/v1/footage/{footage['id']}", key)
    teaser = _wait_ready(service, key, _api(service, "POST", "/v1/teasers", key,
                                            {"footage_id": footage["id"]})["id"])
    # The recording goes missing from the media store: its regeneration fails, and says so.
    uploads = Path(service.env["VAR_DIR"]) / "media" / "uploads"
    max(uploads.glob("*.bin"), key=lambda f: f.stat().st_mtime).unlink()
    ops_key = service.create_key("ops-team", ops=True)
    batch = _api(service, "POST", "/v1/ops/regenerations", ops_key,
                 {"teaser_ids": [teaser["id"]]})
    sign_in(page, service, ops_key)
    page.get_by_role("link", name="Ops").click()
    page.wait_for_url("**/studio/ops")
    assert page.locator("#queues [data-queue]").count() == 2  # interactive and batch
    row = page.locator(f'#batches tr[data-batch="{batch["id"]}"]')
    deadline = time.monotonic() + 120
    while row.locator('[data-count="failed"]').inner_text() != "1":
        assert time.monotonic() < deadline, row.inner_text()
        time.sleep(0.5)
        page.reload()
    assert row.locator("progress").get_attribute("value") == "1"
    failure = page.locator(f'#failures li[data-teaser="{teaser["id"]}"]').inner_text()
    assert "missing from storage" in failure
    photograph(page, "ops")


def _wait_ready(service: LocalService, key: str, teaser_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 240
    teaser = _api(service, "GET", f"/v1/teasers/{teaser_id}", key)
    while teaser["status"] not in ("ready", "failed"):
        assert time.monotonic() < deadline, teaser
        time.sleep(0.5)
        teaser = _api(service, "GET", f"/v1/teasers/{teaser_id}", key)
    assert teaser["status"] == "ready", teaser
    return dict(teaser)


@pytest.fixture(scope="module")
def long_session(service: LocalService, seller: dict[str, Any],
                 tmp_path_factory: pytest.TempPathFactory) -> str:
    """A two-minute session with a product moment and comment bursts: room to swap."""
    key = seller["key"]
    clip = make_clip(tmp_path_factory.mktemp("long") / "long.mp4", seconds=120,
                     size="640x360", fps=30)
    footage = _api(service, "POST", "/v1/footage", key, data=clip.read_bytes(),
                   headers={"Content-Type": "video/mp4", "X-Filename": "long.mp4"})
    deadline = time.monotonic() + 180
    while footage["status"] not in ("ready", "rejected"):
        assert time.monotonic() < deadline, footage
        time.sleep(0.5)
        footage = _api(service, "GET", f"/v1/footage/{footage['id']}", key)
    assert footage["status"] == "ready", footage
    rows = [{"t": t, "viewers": 150, "views": 180, "room_impressions": 900, "room_enters": 120,
             "product_impressions": 300, "product_clicks": 8 + (50 if t == 20 else 0),
             "gmv": 20000 + (900000 if t == 20 else 0), "orders": 1 + (12 if t == 20 else 0),
             "comments": 4 + (40 if t in (60, 95) else 0), "likes": 12, "shares": 1,
             "new_followers": 0, "pinned_product": "SKU-SERUM" if 20 <= t < 35 else ""}
            for t in range(0, 120, 5)]
    session = _api(service, "POST", "/v1/sessions", key, {
        "title": "Serum dua menit", "category": "Beauty",
        "started_at": "2026-11-21T19:00:00+07:00", "ended_at": "2026-11-21T19:02:00+07:00",
        "timeline": rows, "footage_id": footage["id"]})
    return str(session["id"])


def test_steering_swaps_a_moment_and_the_new_version_plays(
        page: Any, service: LocalService, seller: dict[str, Any], long_session: str) -> None:
    key = seller["key"]
    made = _api(service, "POST", "/v1/teasers", key, {"session_id": long_session})
    first = _wait_ready(service, key, made["id"])
    edit = _api(service, "GET", f"/v1/teasers/{made['id']}/edit", key)
    assert edit["candidates"], edit  # the ranking offers other moments
    total = sum(s["end"] - s["start"] for s in edit["segments"])
    lo, hi = edit["rules"]["min_total_s"], edit["rules"]["max_total_s"]
    cand = edit["candidates"][0]
    # the moment to swap out: a later one (the opening shows the product), keeping 35-45 s,
    # of another length than the candidate (so the new version is told apart by its length)
    length = cand["end"] - cand["start"]
    i = next(k for k, s in enumerate(edit["segments"]) if k > 0 and lo <= total - (
        s["end"] - s["start"]) + length <= hi and abs(s["end"] - s["start"] - length) > 0.5)
    sign_in(page, service, key)
    page.goto(f"{service.base}/studio/teasers/{made['id']}")
    page.get_by_role("link", name="Atur teaser").click()
    page.wait_for_url("**/edit")
    photograph(page, "steer")
    # A refused edit: the field is marked, the domain's words are shown, nothing is lost.
    start = page.locator('[id="segments.0.start"]')
    end = page.locator('[id="segments.0.end"]')
    end.fill(f"{float(start.input_value()) + 2:.1f}")
    page.get_by_role("button", name="Render ulang").click()
    assert end.get_attribute("aria-invalid") == "true"
    assert "tiap momen minimal 6 dtk" in page.get_by_role("alert").inner_text()
    page.goto(page.url.split("?")[0] + "?lang=en")  # the same rule, in the other language
    page.locator('[id="segments.0.end"]').fill(f"{float(start.input_value()) + 2:.1f}")
    page.get_by_role("button", name="Render again").click()
    assert "each moment lasts at least 6 s" in page.get_by_role("alert").inner_text()
    page.goto(page.url.split("?")[0] + "?lang=id")
    end.fill(f"{edit['segments'][0]['end']:.3f}")
    page.locator(f'[id="swap.{i}"]').select_option(value="0")
    page.get_by_role("button", name="Render ulang").click()
    page.wait_for_url(f"**/studio/teasers/{made['id']}")
    # While the new version renders, the previous one is still there to play.
    assert page.locator("#video").count() == 1
    deadline = time.monotonic() + 240
    while page.locator("#status").get_attribute("data-status") != "ready" or \
            page.locator("#moments li").count() == 0 or "–" not in page.locator(
                "#moments").inner_text() or f"{cand['start']:.1f}–" not in page.locator(
                "#moments").inner_text():
        assert time.monotonic() < deadline, "the steered teaser never finished"
        assert page.locator("#status").get_attribute("data-status") != "failed", \
            page.locator("#status").inner_text()
        time.sleep(0.3)
    moments = page.locator("#moments li").all_inner_texts()
    assert moments[i].startswith(f"{cand['start']:.1f}–{cand['end']:.1f} s: "), moments
    assert cand["reason"] in moments[i]
    report = _api(service, "GET", f"/v1/teasers/{made['id']}", key)
    assert report["revision"] == first["revision"] + 1
    assert [s["start"] for s in report["segments"]][i] == cand["start"]
    page.evaluate("() => { const v = document.getElementById('video'); v.muted = true; "
                  "return v.play(); }")
    page.wait_for_function("document.getElementById('video').currentTime > 0.5",
                           timeout=20_000)
    # The player plays the new file, not a cached old one: it lasts as the new report says.
    played = page.evaluate("document.getElementById('video').duration")
    assert abs(played - report["duration_s"]) < 0.2, (played, report["duration_s"])
    assert abs(report["duration_s"] - first["duration_s"]) > 0.5  # the swap changed it


CONTROLS_JS = """() => {
  const all = [...document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, video[controls]')]
    .filter(e => !e.disabled && e.getClientRects().length && !e.closest('[hidden]'));
  return all.map((e, i) => {
    e.dataset.kb = String(i);
    // one stop per radio group: arrow keys move within it
    return e.type === 'radio' ? 'radio:' + e.name : String(i);
  });
}"""


def tab_through(page: Any) -> None:
    """Every visible control of the page is reached by pressing Tab, in turn."""
    wanted = page.evaluate(CONTROLS_JS)
    reached: set[str] = set()
    page.locator("body").focus()
    for _ in range(len(wanted) + 15):
        page.keyboard.press("Tab")
        got = page.evaluate("() => { const e = document.activeElement; if (!e || !e.dataset.kb)"
                            " return null; return e.type === 'radio' ? 'radio:' + e.name : "
                            "e.dataset.kb; }")
        if got is not None:
            reached.add(got)
    missing = [page.evaluate(f"() => document.querySelector('[data-kb=\"{k}\"]').outerHTML"
                             ".slice(0, 120)") for k in wanted
               if k not in reached and not k.startswith("radio:")]
    missing += [k for k in wanted if k.startswith("radio:") and k not in reached]
    assert missing == [], f"{page.url}: not reachable by Tab: {missing}"


def test_every_page_is_reachable_by_keyboard_and_the_main_flows_work_by_keyboard(
        page: Any, service: LocalService, seller: dict[str, Any]) -> None:
    key = seller["key"]
    # Sign in by keyboard: skip link, then the key field, typed, Enter.
    page.goto(service.base + "/studio/signin")
    tab_through(page)
    page.get_by_label("Kunci API").focus()
    page.keyboard.type(key)
    page.keyboard.press("Enter")
    page.wait_for_url("**/studio/overview")
    # A plan by keyboard: type into each field, Space ticks the products, Enter submits.
    page.goto(service.base + "/studio/plans/new")
    tab_through(page)
    page.get_by_label("Judul").focus()
    page.keyboard.type("Malam keyboard")
    for name in ("Toner Segar", "Masker Madu"):
        page.get_by_label(name).focus()
        page.keyboard.press("Space")
    page.get_by_role("button", name="Buat", exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Malam keyboard", \
        page.locator("main").inner_text()[:500]
    tab_through(page)
    teasers = _api(service, "GET", "/v1/teasers?status=ready", key)["items"]
    if not teasers:
        made = _api(service, "POST", "/v1/teasers", key, {"session_id": seller["session_id"]})
        teasers = [_wait_ready(service, key, made["id"])]
    teaser_id = teasers[0]["id"]
    for path in ("/studio/overview", "/studio/plans", "/studio/teasers", "/studio/footage",
                 "/studio/hub", f"/studio/teasers/{teaser_id}",
                 f"/studio/teasers/{teaser_id}/edit"):
        page.goto(service.base + path)
        tab_through(page)
    # Steering by keyboard: the music changed with the arrow keys, Enter re-renders.
    page.get_by_label("Musik").focus()
    page.keyboard.press("End")
    chosen = page.get_by_label("Musik").input_value()
    page.get_by_role("button", name="Render ulang").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/studio/teasers/{teaser_id}")
    # The flash says so until the page reloads itself with the new version, which a
    # music-only change (a remux, well under a second) can make before this reads it.
    flashed = page.locator(".flash").all_inner_texts()
    assert (flashed and flashed[0].startswith("Render ulang diantrekan")) or \
        chosen == _api(service, "GET", f"/v1/teasers/{teaser_id}/edit", key)["music"]
    ops_key = service.create_key("ops-keyboard", ops=True)
    context = page.context
    context.clear_cookies()
    # A tab of its own: the teaser page reloading itself with its new version must not
    # cut the next navigation short (net::ERR_ABORTED).
    page.close()
    page = context.new_page()
    sign_in(page, service, ops_key)
    page.goto(service.base + "/studio/ops")
    tab_through(page)
