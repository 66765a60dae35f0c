"""Every refusal of the domain speaks the seller's language: each ``raise`` of a
``DomainError`` in ``domain/`` carries Indonesian words beside its English ones, and the
rules a seller meets say in Indonesian what is wrong and what to do."""

from __future__ import annotations

import ast
import inspect
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import domain.errors as errors
from domain.captions import parse_captions
from domain.categories import parse_category
from domain.edits import check_cuts
from domain.errors import DomainError
from domain.metrics import SessionTotals, with_session_counts
from domain.money import Money
from domain.performance import PeriodPreset, custom_period, previous_period
from domain.timeline import read_file, rows_from_objects
from domain.timezones import resolve_zone, to_utc
from domain.wording import parse_language

DOMAIN = Path(__file__).resolve().parents[3] / "domain"


def _error_names() -> set[str]:
    """Names of every DomainError subclass anywhere in domain/ (errors.py and the ones a
    module defines for itself, like InvalidTimeline)."""
    names = {n for n, c in inspect.getmembers(errors, inspect.isclass)
             if issubclass(c, DomainError)}
    for path in DOMAIN.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(b, ast.Name) and b.id in names for b in node.bases):
                names.add(node.name)
    return names


def _raise_sites() -> list[tuple[str, int, ast.Call]]:
    names = _error_names()
    sites = []
    for path in sorted(DOMAIN.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                if isinstance(func, ast.Name) and func.id in names:
                    sites.append((path.name, node.lineno, node.exc))
    return sites


def test_every_domain_refusal_is_raised_with_indonesian_words() -> None:
    sites = _raise_sites()
    assert len(sites) > 80  # the walk found the rules (plans, edits, timeline, ...)
    missing = [f"{name}:{line}" for name, line, call in sites
               if not any(k.arg == "indonesian" for k in call.keywords)]
    assert missing == []


def test_the_indonesian_words_are_not_the_english_ones_copied() -> None:
    """Where both texts are written out at the raise, their fixed words differ."""
    def words(node: ast.expr) -> str:
        return " ".join(part.value for part in ast.walk(node)
                        if isinstance(part, ast.Constant) and isinstance(part.value, str))

    copied = []
    for name, line, call in _raise_sites():
        given = {k.arg: k.value for k in call.keywords}
        english = words(call.args[0]) if call.args else ""
        indonesian = words(given["indonesian"]) if "indonesian" in given else ""
        if len(english) > 12 and english.strip() == indonesian.strip():
            copied.append(f"{name}:{line}")
    assert copied == []


def _refusal(call: object) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()  # type: ignore[operator]
    return caught.value


def _timeline(tmp_path: Path, text: str, name: str = "timeline.csv") -> DomainError:
    path = tmp_path / name
    path.write_text(text)
    return _refusal(lambda: read_file(path))


@pytest.mark.parametrize(("text", "indonesian"), [
    ("t,views\n0,1\n60,x\n", "timeline.csv baris 3: 'views' berisi 'x'; harus angka"),
    ("t,views\n0,1\n60,-4\n", "timeline.csv baris 3: 'views' bernilai -4; metrik tidak boleh "
                              "negatif"),
    ("views\n1\n", "timeline.csv baris 1: tidak ada kolom 't'"),
    ("t,views\n0,1\n60,2,3\n", "timeline.csv baris 3: ada 3 nilai, padahal judul kolom berisi "
                               "2 kolom"),
    ("t,views\n60,1\n0,2\n", "urutkan baris menurut waktu"),
    ("t,views\n0,1\n60,2\n120,3\n200,4\n", "ada baris yang hilang"),
])
def test_a_timeline_a_seller_uploads_is_refused_in_indonesian_with_the_line(
        tmp_path: Path, text: str, indonesian: str) -> None:
    error = _timeline(tmp_path, text)
    assert indonesian in error.message_in("id")
    assert "line" in error.message_in("en") and "baris" not in error.message_in("en")
    assert error.field == "timeline"


def test_stored_timeline_rows_and_totals_are_refused_in_indonesian() -> None:
    error = _refusal(lambda: rows_from_objects([{"t": 0, "orders": True}]))
    assert error.message_in("id") == "timeline baris 1: 'orders' berisi True; harus angka"
    error = _refusal(lambda: rows_from_objects("rows"))
    assert error.message_in("id") == "timeline: harus berupa daftar baris, bukan str"
    error = _refusal(lambda: with_session_counts(SessionTotals(), viewers=-1))
    assert error.message_in("id") == "'viewers' tidak boleh negatif, bukan -1."


def test_captions_a_seller_uploads_are_refused_in_indonesian_with_the_line() -> None:
    error = _refusal(lambda: parse_captions("WEBVTT\n\nhello there\n"))
    assert error.field == "captions"
    assert error.message_in("id").startswith("Takarir baris 3: 'hello there' bukan baris waktu")
    error = _refusal(lambda: parse_captions("1\n00:00:05,000 --> 00:00:02,000\nhai\n"))
    assert error.message_in("id") == ("Takarir baris 2: cue berakhir (2.000 dtk) sebelum "
                                      "dimulai (5.000 dtk).")
    error = _refusal(lambda: parse_captions(""))
    assert error.message_in("id").startswith("Takarir tidak berisi cue")


def test_time_zone_period_money_category_and_language_refusals_speak_indonesian() -> None:
    zone = _refusal(lambda: resolve_zone("Asia/Jakartaa"))
    assert zone.field == "time_zone"
    assert zone.message_in("id").startswith("Zona waktu 'Asia/Jakartaa' tidak dikenal; pakai "
                                            "nama zona waktu IANA seperti Asia/Jakarta (WIB)")
    naive = _refusal(lambda: to_utc(datetime(2026, 1, 1), "LIVE start"))
    assert naive.message_in("id").startswith("Waktu (LIVE start) harus menyertakan zona waktu")
    now = datetime(2026, 1, 10, tzinfo=UTC)
    period = _refusal(lambda: custom_period(now, now - timedelta(days=1)))
    assert period.message_in("id").startswith("Periode harus dimulai sebelum berakhir")
    assert period.field == "from"
    custom = custom_period(now - timedelta(days=2), now)
    assert custom.preset is PeriodPreset.CUSTOM
    compare = _refusal(lambda: previous_period(custom))
    assert "hanya tersedia untuk 7 hari terakhir" in compare.message_in("id")
    money = _refusal(lambda: Money.of("1.5", "IDRR"))
    assert money.message_in("id").startswith("Mata uang 'IDRR' tidak dikenal")
    mixed = _refusal(lambda: Money(1, "IDR") + Money(1, "MYR"))
    assert mixed.message_in("id").startswith("IDR tidak bisa digabung dengan MYR")
    category = _refusal(lambda: parse_category("Mainan Kucing Terbang"))
    assert category.message_in("id").startswith("Kategori level 1 'Mainan Kucing Terbang' "
                                                "tidak dikenal")
    language = _refusal(lambda: parse_language("fr"))
    assert language.message_in("id").startswith("Bahasa 'fr' tidak didukung")


def test_every_language_falls_back_to_english_only_when_it_is_english() -> None:
    error = _refusal(lambda: check_cuts([(0.0, 3.0)], 60.0))
    assert error.message_in("en").startswith("Moment 1 lasts 3.0 s")
    assert error.message_in("id").startswith("Momen 1 hanya 3.0 dtk")
