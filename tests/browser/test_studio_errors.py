"""Bad input on the studio's real forms, in a real browser against a real ``cuplik
serve`` and its worker, in both languages: the input is marked (``aria-invalid``, tied to
the message by ``aria-describedby``), the message is the rule's or the request check's
own in the seller's language, and what the seller typed is still there. And a teaser of
a recording shorter than 35 s, its moments sent back unchanged, is accepted."""

from __future__ import annotations

from typing import Any

import pytest

from cuplik.local_service import LocalService

# the fixtures (service, seller, browser, page) come from conftest.py
from tests.browser.test_studio import _api, _wait_ready, no_critical_violations, sign_in

pytestmark = pytest.mark.browser


def _marked(page: Any, selector: str) -> None:
    """The input is marked invalid and described by the message shown."""
    field = page.locator(selector)
    assert field.get_attribute("aria-invalid") == "true", selector
    assert field.get_attribute("aria-describedby") == "problem", selector
    assert page.locator("#problem").get_attribute("role") == "alert"


def test_the_plan_form_marks_the_field_in_each_language_and_keeps_what_was_typed(
        page: Any, service: LocalService, seller: dict[str, Any]) -> None:
    sign_in(page, service, seller["key"])
    page.goto(service.base + "/studio/plans/new?lang=id")
    page.get_by_label("Judul").fill("Malam Serum")
    page.get_by_label("Deskripsi").fill("Diskon serum")
    page.get_by_label("Durasi (menit)").fill("sembilan puluh")
    page.get_by_label("Toner Segar").check()
    page.get_by_role("button", name="Buat", exact=True).click()
    _marked(page, "#duration_minutes")
    assert "Durasi (menit): harus bilangan bulat" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Judul").input_value() == "Malam Serum"
    assert page.get_by_label("Durasi (menit)").input_value() == "sembilan puluh"
    assert page.get_by_label("Toner Segar").is_checked()
    no_critical_violations(page)
    # English: an unknown time zone, refused by the plan rules in their own words
    page.goto(service.base + "/studio/plans/new?lang=en")
    page.get_by_label("Title").fill("Serum night")
    page.get_by_label("Time zone").fill("Asia/Jakartaa")
    page.get_by_label("Toner Segar").check()
    page.get_by_role("button", name="Create", exact=True).click()
    _marked(page, "#time_zone")
    alert = page.get_by_role("alert").inner_text()
    assert "Unknown time zone 'Asia/Jakartaa'; use an IANA time zone name" in alert
    assert page.get_by_label("Title").input_value() == "Serum night"
    page.goto(service.base + "/studio/plans/new?lang=id")
    page.get_by_label("Judul").fill("Malam Serum")
    page.get_by_label("Zona waktu").fill("Asia/Jakartaa")
    page.get_by_label("Toner Segar").check()
    page.get_by_role("button", name="Buat", exact=True).click()
    _marked(page, "#time_zone")
    assert ("Zona waktu 'Asia/Jakartaa' tidak dikenal; pakai nama zona waktu IANA seperti "
            "Asia/Jakarta (WIB)") in page.get_by_role("alert").inner_text()


@pytest.mark.parametrize(("lang", "words"), [
    ("id", "Periode harus dimulai sebelum berakhir; pilih tanggal 'Dari'"),
    ("en", "The period must start before it ends; pick a 'from' date"),
])
def test_a_custom_range_that_ends_before_it_starts_marks_the_from_date(
        page: Any, service: LocalService, seller: dict[str, Any], lang: str,
        words: str) -> None:
    sign_in(page, service, seller["key"])
    page.goto(f"{service.base}/studio/overview?lang={lang}")
    page.locator("#period").select_option("custom")
    page.locator("#from").fill("2026-11-20")
    page.locator("#to").fill("2026-11-10")
    page.locator("form[aria-label] button[type=submit]").click()
    _marked(page, "#from")
    assert words in page.get_by_role("alert").inner_text()
    assert page.locator("#from").input_value() == "2026-11-20"
    # a range the right way round shows its figures
    page.locator("#from").fill("2026-11-01")
    page.locator("#to").fill("2026-11-25")
    page.locator("form[aria-label] button[type=submit]").click()
    assert page.locator("#problem").count() == 0
    assert page.locator('[data-metric="gmv"] dd').inner_text().startswith("IDR")


@pytest.mark.parametrize(("lang", "button", "words"), [
    ("id", "Buat teaser", "pilih satu sumber saja: sesi LIVE (session_id) atau video unggahan"),
    ("en", "Make teaser", "give exactly one of session_id or footage_id"),
])
def test_asking_for_a_teaser_with_no_source_marks_the_sources(
        page: Any, service: LocalService, seller: dict[str, Any], lang: str, button: str,
        words: str) -> None:
    sign_in(page, service, seller["key"])
    page.goto(f"{service.base}/studio/teasers?lang={lang}")
    page.locator("#lang").select_option("en")
    page.get_by_role("button", name=button).click()
    assert words in page.get_by_role("alert").inner_text()
    sources = page.locator("fieldset[aria-invalid=true][aria-describedby=problem]")
    assert sources.count() == 2
    assert page.locator("#lang").input_value() == "en"  # the choice is kept


def test_the_posting_form_in_each_language_and_a_short_recordings_own_moments(
        page: Any, service: LocalService, seller: dict[str, Any]) -> None:
    key = seller["key"]
    made = _api(service, "POST", "/v1/teasers", key, {"session_id": seller["session_id"]})
    teaser = _wait_ready(service, key, made["id"])
    # The recording lasts 30 s, less than the 35 s a teaser needs: its moments, sent back
    # unchanged, are accepted (they were trimmed into pauses under 30 s and refused).
    own = [{"start": s["start"], "end": s["end"]} for s in teaser["segments"]]
    again = _api(service, "PUT", f"/v1/teasers/{made['id']}/edit", key, {"segments": own})
    assert again["id"] == made["id"]
    _wait_ready(service, key, made["id"])
    sign_in(page, service, key)
    page.goto(f"{service.base}/studio/teasers/{made['id']}?lang=id")
    page.get_by_label("Waktu posting").fill("2030-01-01T10:00")
    page.get_by_label("Siapa yang bisa menonton").select_option("friends")
    page.get_by_role("button", name="Simpan").click()
    _marked(page, "#caption")
    assert "Tulis keterangan sebelum memposting teaser." in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Siapa yang bisa menonton").input_value() == "friends"
    assert page.get_by_label("Waktu posting").input_value() == "2030-01-01T10:00"
    no_critical_violations(page)
    page.goto(f"{service.base}/studio/teasers/{made['id']}?lang=en")
    page.get_by_label("Caption", exact=False).fill("LIVE tomorrow at 7!")
    page.get_by_label("Posting time").fill("2020-01-01T10:00")
    page.get_by_role("button", name="Save").click()
    _marked(page, "#post_at")
    assert "The post time has passed; pick a time from now on." in (
        page.get_by_role("alert").inner_text())
    assert page.get_by_label("Caption", exact=False).input_value() == "LIVE tomorrow at 7!"
