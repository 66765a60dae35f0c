"""Indonesian for the request checks' own messages (pydantic's, as spectree reports them
in a 422 ``invalid_request``), so a seller whose form sent a malformed field reads what is
wrong in their language, like a domain rule's refusal.

Pydantic words each kind of error from a fixed template; each template here is matched
and reworded with its figures kept. A message no template matches stays in English.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_TIME_EXAMPLE = "2024-11-23T19:00:00+07:00"

# (pattern on pydantic's message, Indonesian builder from its groups), first match wins.
_TEMPLATES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern), build) for pattern, build in (
        (r"Field required", lambda m: "wajib diisi"),
        (r"String should have at least (\d+) characters?",
         lambda m: f"isi minimal {m[1]} karakter"),
        (r"String should have at most (\d+) characters?",
         lambda m: f"maksimal {m[1]} karakter"),
        (r"String should match pattern '(.*)'",
         lambda m: f"formatnya tidak sesuai (pola {m[1]})"),
        (r"Input should be a valid integer, got a number with a fractional part",
         lambda m: "harus bilangan bulat, tanpa angka di belakang koma"),
        (r"Input should be a valid integer.*", lambda m: "harus bilangan bulat"),
        (r"Input should be a valid number.*", lambda m: "harus angka"),
        (r"Input should be a finite number", lambda m: "harus angka yang terhingga"),
        (r"Input should be greater than or equal to (\S+)", lambda m: f"minimal {m[1]}"),
        (r"Input should be greater than (\S+)", lambda m: f"harus lebih dari {m[1]}"),
        (r"Input should be less than or equal to (\S+)", lambda m: f"maksimal {m[1]}"),
        (r"Input should be less than (\S+)", lambda m: f"harus kurang dari {m[1]}"),
        (r"Input should be a valid (?:datetime|date).*",
         lambda m: f"harus tanggal dan jam yang valid, misalnya {_TIME_EXAMPLE}"),
        (r"Input should be a valid boolean.*", lambda m: "harus true atau false"),
        (r"Input should be a valid string", lambda m: "harus berupa teks"),
        (r"Input should be a valid list", lambda m: "harus berupa daftar"),
        (r"Input should be a valid dictionary.*", lambda m: "harus berupa objek"),
        (r"Input should be ('.+)",
         lambda m: "harus salah satu dari " + m[1].replace("' or '", "' atau '")),
        (r"List should have at most (\d+) items? after validation, not (\d+)",
         lambda m: f"maksimal {m[1]} item, bukan {m[2]}"),
        (r"List should have at least (\d+) items? after validation, not (\d+)",
         lambda m: f"minimal {m[1]} item, bukan {m[2]}"),
        (r"Extra inputs are not permitted", lambda m: "kolom ini tidak dikenal; hapus"),
        # the models' own checks (``field_validator`` / ``model_validator``)
        (r"Value error, include a time zone, e\.g\. (\S+)",
         lambda m: f"sertakan zona waktu, misalnya {m[1]}"),
        (r"Value error, give exactly one of session_id or footage_id",
         lambda m: "pilih satu sumber saja: sesi LIVE (session_id) atau video unggahan "
                   "(footage_id)"),
        (r"Value error, slot needs a plan_id",
         lambda m: "slot butuh rencana (plan_id); pilih rencananya dulu"),
        (r"Value error, give segments, music or lang to change",
         lambda m: "isi momen (segments), musik (music) atau bahasa (lang) yang ingin diubah"),
    )
)


def indonesian(message: str) -> str:
    """``message`` (one of pydantic's) in Indonesian; unchanged when no template fits."""
    for pattern, build in _TEMPLATES:
        match = pattern.fullmatch(message.strip())
        if match:
            return build(match)
    return message


def invalid_request_detail(errors: list[dict[str, str]]) -> str:
    """The Indonesian ``detail`` of a 422 ``invalid_request`` with these field errors (the
    English one is "Fix these fields and send again: ...")."""
    summary = "; ".join(f"{e.get('field') or 'body'}: {indonesian(e.get('message', ''))}"
                        for e in errors[:5])
    return f"Perbaiki isian ini lalu kirim lagi: {summary}."
