"""Bad input on the studio's forms: the page comes back with the input marked
(``aria-invalid``, tied to the message by ``aria-describedby``), the message is the
rule's or the request check's own in the seller's language, and what the seller typed
is still on the form. (The same in a real browser: tests/browser/test_studio_errors.py.)"""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask.testing import FlaskClient

from domain.lifecycle import TeaserStatus
from store.db import Database
from store.models import Teaser
from tests.unit.api.conftest import make_key, ready_footage


def _signed_in(client: FlaskClient, db: Database, lang: str) -> tuple[str, dict[str, str]]:
    headers = make_key(db, f"toko-{lang}")
    key = headers["Authorization"].removeprefix("Bearer ")
    assert client.post(f"/studio/signin?lang={lang}", data={"key": key}).status_code == 302
    client.put("/v1/catalogue", headers=headers, json={
        "products": [{"id": "SKU-1", "name": "Serum"}, {"id": "SKU-2", "name": "Toner"}],
        "promotion_tools": [{"id": "v-1", "kind": "voucher"}]})
    with client.session_transaction() as s:
        csrf = str(s["csrf"])
    return csrf, headers


def _problem(html: str) -> str:
    found = re.search(r'<div class="problem" role="alert" id="problem">(.*?)</div>', html, re.S)
    assert found, "no problem shown"
    return " ".join(unescape(re.sub(r"<[^>]+>", "", found[1])).split())


def _marked(html: str) -> set[str]:
    """The ids of the inputs (and fieldsets) marked invalid and tied to the message."""
    tags = re.findall(r"<(?:input|select|textarea|fieldset)\b[^>]*>", html)
    return {m[1] if (m := re.search(r'\bid="([^"]+)"', tag)) else tag for tag in tags
            if 'aria-invalid="true"' in tag and 'aria-describedby="problem"' in tag}


PLAN = {"title": "Flash sale", "description": "Serum murah", "start": "2026-12-24T19:00",
        "time_zone": "Asia/Jakarta", "duration_minutes": "90", "product_ids": ["SKU-1"]}


@pytest.mark.parametrize(("lang", "change", "marked", "words"), [
    ("id", {"duration_minutes": "sembilan puluh"}, "duration_minutes",
     "Durasi (menit): harus bilangan bulat"),
    ("en", {"duration_minutes": "ninety"}, "duration_minutes",
     "Duration (minutes): Input should be a valid integer"),
    ("id", {"duration_minutes": "2000"}, "duration_minutes", "Durasi (menit): maksimal 1440"),
    ("id", {"title": ""}, "title", "Judul: isi minimal 1 karakter"),
    ("en", {"title": ""}, "title", "Title: String should have at least 1 character"),
    ("id", {"time_zone": "Asia/Jakartaa"}, "time_zone",
     "Zona waktu 'Asia/Jakartaa' tidak dikenal; pakai nama zona waktu IANA"),
    ("en", {"time_zone": "Asia/Jakartaa"}, "time_zone", "Unknown time zone 'Asia/Jakartaa'"),
    ("id", {"start": "2020-01-01T19:00"}, "start", "Waktu mulai LIVE harus di masa depan"),
    ("id", {"start": "besok malam"}, "start", "Mulai: harus tanggal dan jam yang valid"),
    ("id", {"product_ids": []}, None, "Tambahkan minimal 1 produk ke rencana LIVE"),
    ("en", {"product_ids": []}, None, "Add at least 1 product to the LIVE plan"),
])
def test_a_refused_plan_comes_back_marked_in_the_sellers_language_with_what_was_typed(
        client: FlaskClient, db: Database, lang: str, change: dict[str, object],
        marked: str | None, words: str) -> None:
    csrf, _ = _signed_in(client, db, lang)
    form = {**PLAN, **change, "csrf": csrf}
    page = client.post("/studio/plans/new", data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert words in _problem(html)
    if marked:
        assert _marked(html) == {marked}
    else:
        assert 'fieldset class="invalid" aria-invalid="true"' in html
    assert 'value="Flash sale"' in html or change.get("title") == ""
    assert "Serum murah" in html


def _ready_teaser(client: FlaskClient, db: Database, headers: dict[str, str]) -> str:
    footage = ready_footage(client, db, headers)
    answer = client.post("/v1/teasers", headers=headers, json={"footage_id": footage})
    assert answer.status_code == 202, answer.get_json()
    teaser_id = str(answer.get_json()["id"])
    report = {"segments": [{"start": 10.0, "end": 30.0, "score": 0.9, "reason": "tajam"},
                           {"start": 100.0, "end": 120.0, "score": 0.8, "reason": "terang"}],
              "candidates": [], "music": "warm", "lang": "id"}
    with db.session() as s:
        row = s.get(Teaser, teaser_id)
        assert row is not None
        row.status, row.video_path, row.poster_path = TeaserStatus.READY, "t/v.mp4", "t/p.jpg"
        row.report = {"duration_s": 40.0, **report}
    return teaser_id


@pytest.mark.parametrize(("lang", "form", "marked", "words"), [
    ("id", {"caption": ""}, "caption", "Tulis keterangan sebelum memposting teaser."),
    ("en", {"caption": ""}, "caption", "Write a caption before posting the teaser."),
    ("id", {"caption": "x" * 2201}, "caption", "Keterangan berisi 2.201 karakter"),
    ("id", {"caption": "Besok LIVE!", "post_at": "2020-01-01T10:00"}, "post_at",
     "Waktu posting sudah lewat"),
    ("en", {"caption": "Tomorrow LIVE!", "post_at": "2020-01-01T10:00"}, "post_at",
     "The post time has passed"),
    ("id", {"caption": "Besok LIVE!", "visibility": "publik"}, "visibility",
     "Siapa yang bisa menonton: harus salah satu dari 'everyone', 'friends' atau 'only_me'"),
])
def test_a_refused_post_keeps_the_caption_and_marks_the_field(
        client: FlaskClient, db: Database, lang: str, form: dict[str, str],
        marked: str, words: str) -> None:
    csrf, headers = _signed_in(client, db, lang)
    teaser_id = _ready_teaser(client, db, headers)
    sent = {"visibility": "friends", "allow_duet": "on", "post_at": "2024-11-21T10:00", **form,
            "csrf": csrf}
    page = client.post(f"/studio/teasers/{teaser_id}/posting", data=sent)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert words in _problem(html)
    assert _marked(html) == {marked}
    assert f">{form['caption']}</textarea>" in html
    assert re.search(r'name="allow_duet" checked', html)
    assert f'value="{sent["post_at"]}"' in html


@pytest.mark.parametrize(("lang", "field", "typed", "words"), [
    ("id", "segments.0.end", "13", "Momen 1 hanya 3.0 dtk"),
    ("en", "segments.0.end", "13", "Moment 1 lasts 3.0 s"),
    ("id", "segments.1.start", "dua", "Momen 2 · Mulai: harus angka"),
    ("en", "segments.1.start", "two", "Moment 2 · Starts at: Input should be a valid number"),
])
def test_a_refused_edit_marks_the_moment_in_the_sellers_language(
        client: FlaskClient, db: Database, lang: str, field: str, typed: str,
        words: str) -> None:
    csrf, headers = _signed_in(client, db, lang)
    teaser_id = _ready_teaser(client, db, headers)
    form = {"segments.0.start": "10.0", "segments.0.end": "30.0",
            "segments.1.start": "100.0", "segments.1.end": "120.0", field: typed,
            "music": "warm", "lang": "id", "csrf": csrf}
    page = client.post(f"/studio/teasers/{teaser_id}/edit", data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert words in _problem(html)
    assert _marked(html) == {field}
    assert f'value="{typed}"' in html


@pytest.mark.parametrize(("lang", "words"), [
    ("id", "pilih satu sumber saja"),
    ("en", "give exactly one of session_id or footage_id"),
])
def test_asking_for_a_teaser_without_a_source_marks_the_sources(
        client: FlaskClient, db: Database, lang: str, words: str) -> None:
    csrf, _ = _signed_in(client, db, lang)
    page = client.post("/studio/teasers", data={"music": "warm", "lang": "en", "csrf": csrf})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert words in _problem(html)
    assert len([t for t in re.findall(r"<fieldset\b[^>]*>", html)
                if 'aria-invalid="true"' in t]) == 2
    assert re.search(r'<option value="en" selected>English</option>', html)


@pytest.mark.parametrize(("lang", "words"), [
    ("id", "Periode harus dimulai sebelum berakhir"),
    ("en", "The period must start before it ends"),
])
def test_a_custom_period_that_ends_before_it_starts_marks_the_dates(
        client: FlaskClient, db: Database, lang: str, words: str) -> None:
    _signed_in(client, db, lang)
    page = client.get("/studio/overview?period=custom&from=2026-11-20&to=2026-11-10")
    html = page.get_data(as_text=True)
    assert words in _problem(html)
    assert "from" in _marked(html)
    assert 'value="2026-11-20"' in html and 'value="2026-11-10"' in html


def test_a_custom_period_in_the_studio_is_read_in_the_sellers_time_zone(
        client: FlaskClient, db: Database) -> None:
    _signed_in(client, db, "id")
    page = client.get("/studio/overview?period=custom&from=2026-11-01&to=2026-11-10")
    assert page.status_code == 200
    assert 'class="problem"' not in page.get_data(as_text=True)


def test_the_json_api_keeps_english_unless_indonesian_is_asked_for(
        client: FlaskClient, db: Database) -> None:
    headers = make_key(db, "toko-api")
    body = {"title": "x", "start": "2026-12-24T19:00:00+07:00", "duration_minutes": "lama",
            "product_ids": ["SKU-1"]}
    english = client.post("/v1/plans", headers=headers, json=body).get_json()
    assert english["detail"] == ("Fix these fields and send again: duration_minutes: Input "
                                 "should be a valid integer, unable to parse string as an "
                                 "integer.")
    indonesian = client.post("/v1/plans", json=body, headers={
        **headers, "Accept-Language": "id-ID, en;q=0.5"}).get_json()
    assert indonesian["detail"] == ("Perbaiki isian ini lalu kirim lagi: duration_minutes: "
                                    "harus bilangan bulat.")
    assert indonesian["errors"] == [{"field": "duration_minutes",
                                     "message": "harus bilangan bulat"}]
    assert indonesian["code"] == english["code"] == "invalid_request"
    assert indonesian["field"] == "duration_minutes"


@pytest.mark.parametrize(("lang", "words"), [
    ("id", "Tambahkan minimal 1 produk ke rencana LIVE (maksimal 150)."),
    ("en", "Add at least 1 product to the LIVE plan (up to 150)."),
])
def test_a_refused_plan_edit_marks_the_products_and_keeps_the_tools_picked(
        client: FlaskClient, db: Database, lang: str, words: str) -> None:
    csrf, headers = _signed_in(client, db, lang)
    plan = client.post("/v1/plans", headers=headers, json={
        "title": "Flash sale", "start": "2026-12-24T19:00:00+07:00", "duration_minutes": 90,
        "product_ids": ["SKU-1", "SKU-2"]}).get_json()
    page = client.post(f"/studio/plans/{plan['id']}/edit", data={
        "promotion_tool_ids": ["v-1"], "csrf": csrf})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert words in _problem(html)
    products = re.search(r"<fieldset[^>]*>\s*<legend>[^<]*(?:produk|products)", html, re.I)
    assert products and 'aria-invalid="true"' in products[0]
    assert re.search(r'value="v-1"\s+checked', html)  # the tool picked stays picked
    assert not re.search(r'value="SKU-1"\s+checked', html)  # as the seller left it
    saved = client.get(f"/v1/plans/{plan['id']}", headers=headers).get_json()
    assert saved["product_ids"] == ["SKU-1", "SKU-2"]  # nothing saved was lost
