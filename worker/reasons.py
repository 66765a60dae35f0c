"""What a seller reads about a teaser's cuts: why each segment was chosen, why the teaser
opens where it does, and the notes on what could not be done, in the seller's language
(``lang``: "id" Indonesian or "en" English, chosen like the sticker), with the numbers
written the same way everywhere (``2.3×`` / ``2,3×`` a ratio, ``12/min`` / ``12/mnt`` a
rate, ``1:05`` a time into the recording).

``worker.ranking`` and ``worker.footage_ranking`` decide; this module only words what they
decided. A segment's reason is built from ``SignalStat``s: each signal counted over the
stretch the segment stands for (``lag`` s after it for orders and comments, which trail
the moment that drew them) against the session's usual rate.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

NOTABLE = 1.5  # a signal enters a reason from 1.5x its session average
LANGS = ("id", "en")


class SignalStat(NamedTuple):
    """A signal over the stretch a segment stands for: ``here`` its mean per second over
    ``seconds`` s from the segment's start (the segment plus ``lag`` s after it), ``total``
    its total there, ``base`` its mean per second over the session."""

    name: str
    here: float
    base: float
    lag: float = 0.0
    seconds: float = 0.0
    total: float = 0.0


_LABELS = {
    "gmv": ("GMV", "GMV"), "orders": ("orders", "pesanan"),
    "product_clicks": ("product clicks", "klik produk"), "comments": ("comments", "komentar"),
    "likes": ("likes", "suka"), "shares": ("shares", "bagikan"),
    "new_followers": ("new followers", "pengikut baru"),
}
_PER_MINUTE = frozenset({"comments", "likes", "new_followers"})
_COUNTED = frozenset({"orders"})  # said as a count: "orders ...: 9"

#: Every sentence, English then Indonesian.
_WORDS: Mapping[str, tuple[str, str]] = {
    "no_signals": (
        "the timeline has none of GMV, orders, product clicks, comments, likes, shares or new "
        "followers, so no moment could be ranked above another",
        "timeline tidak memuat GMV, pesanan, klik produk, komentar, suka, bagikan, maupun "
        "pengikut baru, jadi tidak ada momen yang bisa diunggulkan"),
    "repeats": (
        "the session is too short for a second teaser with other moments; this one repeats "
        "moments of the other teaser",
        "sesi terlalu pendek untuk teaser kedua dengan momen lain; teaser ini mengulang momen "
        "teaser yang lain"),
    "steady": (
        "steady session: no moment stood out above the session's usual rates; the teaser "
        "shows typical moments",
        "sesi stabil: tidak ada momen yang menonjol di atas angka biasanya; teaser "
        "menampilkan momen yang khas"),
    "whole": ("the recording is used whole, from its start",
              "rekaman dipakai utuh, dari awal"),
    "no_product": ("no product moment in the timeline (no pins, product clicks or orders)",
                   "tidak ada momen produk di timeline (tidak ada pin, klik produk, atau "
                   "pesanan)"),
    "no_product_opening": ("{no_product}; opens on the strongest moment instead",
                           "{no_product}; dibuka pada momen terkuat"),
    "no_product_note": ("{no_product}: the first seconds may not show a product",
                        "{no_product}: detik-detik pertama mungkin tidak menampilkan produk"),
    "short": ("the recording is only {d} s long, so the teaser is {d} s instead of about {t} s",
              "rekaman hanya {d} dtk, jadi teaser {d} dtk, bukan sekitar {t} dtk"),
    "partial": ("the timeline covers only {end} of the {dur} recording; later moments could not "
                "be ranked",
                "timeline hanya mencakup {end} dari rekaman {dur}; momen sesudahnya tidak bisa "
                "diperingkat"),
    "lag_estimated": ("orders in this session land about {lag} s after the product moment "
                      "that drew them (measured against its {lead})",
                      "di sesi ini pesanan masuk sekitar {lag} dtk setelah momen produk yang "
                      "memicunya (diukur dari {lead})"),
    "lag_default": ("this session's timeline cannot tell how long orders take to follow a "
                    "product moment; {lag} s assumed",
                    "timeline sesi ini tidak cukup untuk tahu berapa lama pesanan menyusul "
                    "momen produk; dianggap {lag} dtk"),
    "lead_product clicks": ("product clicks", "klik produk"),
    "lead_pins": ("pins", "pin produk"),
    "shown_opening": ("opens as a product is held up to the camera (at {at}); the timeline "
                      "has no pins or product clicks",
                      "dibuka saat produk ditunjukkan ke kamera (pada {at}); timeline tidak "
                      "memuat pin maupun klik produk"),
    "pin_opening": ("opens as product {p} is pinned (at {at})",
                    "dibuka saat produk {p} di-pin (pada {at})"),
    "orders_rise_opening": ("opens on the moment behind a rise in orders: {r} the session "
                            "average (at {at}; orders counted {lag} s later)",
                            "dibuka pada momen di balik lonjakan pesanan: {r} rata-rata sesi "
                            "(pada {at}; pesanan dihitung {lag} dtk kemudian)"),
    "clicks_rise_opening": ("opens where product clicks rise to {r} average (at {at})",
                            "dibuka saat klik produk naik ke {r} rata-rata (pada {at})"),
    "steady_opening": ("no clear product moment ({label} steady at {rate}/min); opens where "
                       "they are highest (at {at})",
                       "tidak ada momen produk yang jelas ({label} stabil di {rate}/mnt); "
                       "dibuka saat angkanya tertinggi (pada {at})"),
    "poor_opening": ("the product moment at {at} has poor picture, but no product moment has "
                     "better",
                     "gambar momen produk pada {at} buruk, tetapi tidak ada momen produk yang "
                     "lebih baik"),
    "reuse_only": ("the only product moment (at {at}) is also in the other teaser",
                   "satu-satunya momen produk (pada {at}) juga ada di teaser yang lain"),
    "reuse_every": ("every product moment is also in the other teaser; this one opens on the "
                    "one at {at}",
                    "semua momen produk juga ada di teaser yang lain; teaser ini dibuka pada "
                    "momen {at}"),
    "reuse_poor": ("the product moment at {at} is also in the other teaser; those it does not "
                   "show have poor picture",
                   "momen produk pada {at} juga ada di teaser yang lain; momen yang tidak "
                   "ditampilkannya gambarnya buruk"),
    "contender": ("the product moment at {at} drew almost as many sales as the opening's "
                  "(the timeline cannot tell which sold more), so the teaser shows both",
                  "momen produk pada {at} menarik penjualan hampir sebanyak momen pembuka "
                  "(timeline tidak bisa memastikan mana yang lebih laku), jadi teaser "
                  "menampilkan keduanya"),
    "pinned": ("product pinned: {p}", "produk di-pin: {p}"),
    "per_min": ("{label} {here}/min vs {base}/min usual",
                "{label} {here}/mnt vs biasanya {base}/mnt"),
    "per_min_after": ("{label} in the {s} s after: {here}/min vs {base}/min usual",
                      "{label} dalam {s} dtk berikutnya: {here}/mnt vs biasanya {base}/mnt"),
    "count_here": ("{label} here: {n}, {r} usual", "{label} di sini: {n}, {r} biasanya"),
    "count_after": ("{label} in the {s} s after: {n}, {r} usual",
                    "{label} dalam {s} dtk berikutnya: {n}, {r} biasanya"),
    "ratio_here": ("{label} {r} usual", "{label} {r} biasanya"),
    "ratio_after": ("{label} in the {s} s after: {r} usual",
                    "{label} dalam {s} dtk berikutnya: {r} biasanya"),
    "usual_rate": ("{label} {rate}/min", "{label} {rate}/mnt"),
    "gmv_usual": ("GMV at its usual rate", "GMV seperti biasanya"),
    "nothing": ("no metrics to rank by", "tidak ada metrik untuk diperingkat"),
    "steady_prefix": ("steady session", "sesi stabil"),
    "usual_prefix": ("about the session's usual", "seperti biasanya di sesi ini"),
    # Footage without metrics (worker.footage_ranking).
    "sharp_close": ("sharp close-up", "close-up tajam"),
    "sharp": ("sharp picture", "gambar tajam"),
    "close": ("close-up", "close-up"),
    "lit": ("well lit", "terang"),
    "still": ("steady", "stabil"),
    "on_screen": ("you are on screen", "Anda tampil di layar"),
    "speaking": ("you are speaking", "Anda berbicara"),
    "speaking_part": ("you are speaking {talking} of {length} s",
                      "Anda berbicara {talking} dari {length} dtk"),
    "lively": ("lively", "hidup"),
    "clearest": ("the clearest moment the footage has", "momen paling jelas di footage"),
    "opening": ("opening: {text}", "pembuka: {text}"),
    "footage_opening": ("opens on the sharpest, steadiest close shot: {text}",
                        "dibuka pada bidikan dekat yang paling tajam dan stabil: {text}"),
    "footage_best": ("the footage is used from its best stretch: {text}",
                     "footage dipakai dari bagian terbaiknya: {text}"),
    "footage_poor": ("the picture is poor throughout (dark, blurred or frozen); the teaser "
                     "uses the whole footage",
                     "gambarnya buruk dari awal sampai akhir (gelap, buram, atau macet); teaser "
                     "memakai seluruh footage"),
    "footage_short": ("the footage gives only {d} s of usable video, so the teaser is {d} s "
                      "instead of about {t} s",
                      "footage hanya berisi {d} dtk video yang layak, jadi teaser {d} dtk, "
                      "bukan sekitar {t} dtk"),
    "no_sound": ("the footage has no sound: moments were chosen from the picture alone",
                 "footage tidak bersuara: momen dipilih dari gambar saja"),
    "no_face": ("no face was seen on screen: moments were chosen on sharpness, light and "
                "movement",
                "tidak ada wajah yang terlihat: momen dipilih dari ketajaman, cahaya, dan "
                "gerakan"),
}


def check_lang(lang: str) -> str:
    """``lang`` if reasons can be worded in it ("id", "en"); ValueError otherwise."""
    if lang not in LANGS:
        raise ValueError(f"reasons are worded in 'id' or 'en', not {lang!r}")
    return lang


def say(key: str, lang: str = "en", **values: object) -> str:
    """The sentence ``key`` in ``lang`` with ``values`` filled in."""
    en, id_ = _WORDS[key]
    return (id_ if check_lang(lang) == "id" else en).format(**values)


def label(name: str, lang: str = "en") -> str:
    """A signal's name as a seller reads it."""
    en, id_ = _LABELS[name]
    return id_ if lang == "id" else en


def no_product_opening(lang: str = "en") -> str:
    """No product moment: the teaser opens on the strongest moment."""
    return say("no_product_opening", lang, no_product=say("no_product", lang))


def no_product_note(lang: str = "en") -> str:
    """No product moment: the first seconds may not show one."""
    return say("no_product_note", lang, no_product=say("no_product", lang))


def short_recording_note(duration: float, target: float, lang: str = "en") -> str:
    """The recording is shorter than a teaser: it is used whole."""
    return say("short", lang, d=secs(duration), t=secs(target))


def partial_timeline_note(end: float, duration: float, lang: str = "en") -> str:
    """The timeline stops before the recording does."""
    return say("partial", lang, end=clock(end), dur=clock(duration))


def lag_note(lag: float, found: str, lead: str | None, lang: str = "en") -> str:
    """How long orders were taken to trail the moment that drew them, and how that was
    known: ``found`` is "estimated" (from the session's ``lead`` series) or "default"."""
    if found == "estimated" and lead:
        return say("lag_estimated", lang, lag=secs(lag), lead=say(f"lead_{lead}", lang))
    return say("lag_default", lang, lag=secs(lag))


def pin_opening(product: str, at: float, lang: str = "en") -> str:
    """The teaser opens as ``product`` is pinned."""
    return say("pin_opening", lang, p=product, at=clock(at))


def shown_opening(at: float, lang: str = "en") -> str:
    """The teaser opens where the picture shows a product brought to the camera."""
    return say("shown_opening", lang, at=clock(at))


def orders_rise_opening(r: float, at: float, lag: float, lang: str = "en") -> str:
    """The teaser opens on the moment behind a rise in orders counted ``lag`` s later."""
    return say("orders_rise_opening", lang, r=ratio(r, lang), at=clock(at), lag=secs(lag))


def clicks_rise_opening(r: float, at: float, lang: str = "en") -> str:
    """The teaser opens where product clicks rise to ``r`` times their average."""
    return say("clicks_rise_opening", lang, r=ratio(r, lang), at=clock(at))


def steady_opening(name: str, per_second: float, at: float, lang: str = "en") -> str:
    """No rise in ``name``: the teaser opens where it is highest."""
    return say("steady_opening", lang, label=label(name, lang),
               rate=rate(per_second * 60, lang), at=clock(at))


def poor_opening_note(at: float, lang: str = "en") -> str:
    """The opening product moment has poor picture, as have all the others."""
    return say("poor_opening", lang, at=clock(at))


def contender_note(at: float, lang: str = "en") -> str:
    """The teaser shows a second product moment that drew almost as much as the opening's."""
    return say("contender", lang, at=clock(at))


def reuse_note(at: float, *, only: bool, every: bool, lang: str = "en") -> str:
    """Why the opening shows a product moment the other teaser shows too: it is the
    ``only`` one, ``every`` one is in the other teaser, or the others have poor picture."""
    key = "reuse_only" if only else "reuse_every" if every else "reuse_poor"
    return say(key, lang, at=clock(at))


def reason_parts(pin: str | None, stats: Sequence[SignalStat], *,
                 weights: Mapping[str, float], cap: float,
                 lang: str = "en") -> tuple[list[str], bool]:
    """Phrases for the segment (pin first, then the strongest notable signals, by
    ``weights`` and ratios capped at ``cap``) and whether any signal stood out. A signal
    counted after the segment says over how long ("orders in the 52 s after: 9, 5.0×
    usual")."""
    parts: list[str] = []
    if pin:
        parts.append(say("pinned", lang, p=pin))
    ranked: list[tuple[float, str]] = []
    for st in stats:
        if not (st.base > 0 and math.isfinite(st.here)) or st.here / st.base < NOTABLE:
            continue
        r = st.here / st.base
        ranked.append((weights[st.name] * (min(r, cap) - 1), _phrase(st, r, lang)))
    ranked.sort(key=lambda item: -item[0])
    parts += [text for _, text in ranked[:2]]
    return parts, bool(ranked)


def _phrase(st: SignalStat, r: float, lang: str) -> str:
    after = st.lag >= 1
    name, s = label(st.name, lang), secs(st.seconds)
    if st.name in _PER_MINUTE:
        return say("per_min_after" if after else "per_min", lang, label=name, s=s,
                   here=rate(st.here * 60, lang), base=rate(st.base * 60, lang))
    if st.name in _COUNTED:
        return say("count_after" if after else "count_here", lang, label=name, s=s,
                   n=f"{st.total:.0f}", r=ratio(r, lang))
    return say("ratio_after" if after else "ratio_here", lang, label=name, s=s,
               r=ratio(r, lang))


def reason_text(parts: list[str], notable: bool, steady: bool,
                stats: Sequence[SignalStat], lang: str = "en") -> str:
    """The segment's reason: its notable ``parts``, or else its usual rates."""
    if notable:
        return "; ".join(parts)
    usual = [say("usual_rate", lang, label=label(st.name, lang), rate=rate(st.here * 60, lang))
             for st in stats if st.name != "gmv" and math.isfinite(st.here)][:2]
    rates = ", ".join(usual) if usual else (
        say("gmv_usual", lang) if any(st.name == "gmv" for st in stats)
        else say("nothing", lang))
    prefix = say("steady_prefix" if steady else "usual_prefix", lang)
    return "; ".join([*parts, f"{prefix}: {rates}"]) if parts else f"{prefix}: {rates}"


def ratio(r: float, lang: str = "en") -> str:
    """``2.3×`` (``2,3×`` in Indonesian)."""
    return _decimal(f"{r:.1f}", lang) + "×"


def rate(per_min: float, lang: str = "en") -> str:
    """A per-minute rate: whole from 10, else one decimal."""
    return _decimal(f"{per_min:.0f}" if per_min >= 10 else f"{per_min:.1f}", lang)


def secs(x: float) -> str:
    """Seconds: whole when within 0.05 s of it, else one decimal."""
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"


def clock(t: float) -> str:
    """A time into the recording, ``m:ss`` or ``h:mm:ss``."""
    t = int(t)
    h, m, s = t // 3600, t % 3600 // 60, t % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _decimal(text: str, lang: str) -> str:
    return text.replace(".", ",") if lang == "id" else text
