"""The featured product's name shows when its moment opens: at the segment its pin falls
in (its catalogue id, or its name, in the timeline's pins), not at the teaser's start;
the offer never over it."""

from __future__ import annotations

from worker import design, overlays

LAYOUT = design.load_layout("standard_9x16")
LEAD = float(LAYOUT.value("band", "callout", "from"))
LENGTH = float(LAYOUT.value("band", "callout", "for"))


def _pins(n: int, **spans: tuple[int, int]) -> list[str | None]:
    pins: list[str | None] = [None] * n
    for product, (a, b) in spans.items():
        pins[a:b] = [product] * (b - a)
    return pins


def test_the_callout_opens_with_the_segment_that_pins_the_product() -> None:
    pins = _pins(120, SKU_LIP=(10, 30), SKU_SERUM=(60, 90))
    # play order: the lipstick's moment first, then the serum's (from 62 s, pinned since 60)
    segments = [(12.0, 22.0, 0.0), (62.0, 72.0, 10.0)]
    assert overlays.callout_time(pins, segments, "SKU_SERUM", "Serum Glow") == 10.0
    # pinned during a segment, not at its start: at its pin
    assert overlays.callout_time(pins, [(52.0, 66.0, 4.0)], "SKU_SERUM", None) == 12.0
    # a timeline that names its pins (case and spaces aside) finds it by name
    named = _pins(120, **{"Serum Glow": (60, 90)})
    assert overlays.callout_time(named, segments, None, " serum glow") == 10.0
    # not pinned in any segment shown, or no pins: None (the opening moment)
    assert overlays.callout_time(pins, [(12.0, 22.0, 0.0)], "SKU_SERUM", None) is None
    assert overlays.callout_time([], segments, "SKU_SERUM", "Serum Glow") is None
    assert overlays.callout_time(pins, segments, None, None) is None


def test_the_offer_makes_way_for_the_callout_wherever_it_falls() -> None:
    total = 40.0
    at_open = overlays.band_windows("Serum Glow", "Diskon 30%", total, LAYOUT)
    assert at_open[0] == (LEAD, LEAD + LENGTH, "callout", "Serum Glow")
    later = overlays.band_windows("Serum Glow", "Diskon 30%", total, LAYOUT, callout_at=14.0)
    callout = [w for w in later if w[2] == "callout"]
    assert callout == [(14.0 + LEAD, 14.0 + LEAD + LENGTH, "callout", "Serum Glow")]
    offers = [w for w in later if w[2] == "offer"]
    assert offers, later
    for start, end, _, _ in offers:  # never over the name, a breath apart
        assert end <= callout[0][0] - 0.3 + 1e-9 or start >= callout[0][1] + 0.3 - 1e-9
        assert end - start >= 1.0
    assert later == sorted(later)
    # too near the end to be read: it shows as the teaser opens instead
    late = overlays.band_windows("Serum Glow", None, 12.0, LAYOUT, callout_at=11.5)
    assert late == [(LEAD, LEAD + LENGTH, "callout", "Serum Glow")]
