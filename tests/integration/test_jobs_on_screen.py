"""What a plan-linked teaser says on screen comes from the plan as it is at render time:
its title, its first featured product's name from the catalogue, its strongest LIVE-only
offer worded from the promotion tool's terms, and the session's captions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store.models import LiveSession, Plan, Product, PromotionToolRow, Teaser
from tests.footage import make_clip
from tests.integration import test_jobs_support as support
from tests.integration.test_jobs_support import Stack, add_footage, add_seller, add_session
from worker.jobs import _render_inputs

redis_server, stack = support.redis_server, support.stack  # fixtures
pytestmark = [pytest.mark.integration,
              pytest.mark.parametrize("stack", ["sqlite"], indirect=True)]

START = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)  # 19.00 WIB
VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nNah kak, ini dia!\n"


def test_plan_teaser_carries_title_product_offer_and_captions(stack: Stack,
                                                              tmp_path: Path) -> None:
    seller = add_seller(stack)
    footage_id = add_footage(stack, seller, make_clip(tmp_path / "rec.mp4", seconds=2),
                             status="ready")
    live_id = add_session(stack, seller, footage_id)
    with stack.db.session() as s:
        s.get(LiveSession, live_id).captions = VTT
        s.add_all([
            Product(seller_id=seller, id="p1", name="  "),  # no name: the next one is named
            Product(seller_id=seller, id="p2", name="Serum Glow Vitamin C"),
            PromotionToolRow(seller_id=seller, id="ship", kind="free_shipping", product_ids=[]),
            PromotionToolRow(seller_id=seller, id="v30", kind="voucher", product_ids=["p2"],
                             terms={"percent_off": 30, "min_spend": 10_000_000}),
            PromotionToolRow(seller_id=seller, id="old", kind="discount", product_ids=[],
                             terms={"percent_off": 50,
                                    "ends_at": (START - timedelta(days=1)).isoformat()}),
        ])
        plan = Plan(seller_id=seller, title="Serum Glow Flash Sale", start_at=START,
                    time_zone="Asia/Jakarta", duration_s=5400, product_ids=["p1", "p2"],
                    chosen_tool_ids=["ship", "old"], bound_tool_ids=["v30"])
        s.add(plan)
        s.flush()
        teaser = Teaser(seller_id=seller, source_kind="session", session_id=live_id,
                        plan_id=plan.id, params={"lang": "id", "sticker_text": "LIVE x"})
        s.add(teaser)
        s.flush()
        words = _render_inputs(s, teaser, stack.media).on_screen
        assert words.title == "Serum Glow Flash Sale"
        assert words.product == "Serum Glow Vitamin C"
        assert words.product_id == "p2"  # its name shows when the timeline pins p2
        # the 50 % discount ended before the LIVE; the 30 % voucher is the strongest left
        assert words.offer == "Voucher 30% hanya saat LIVE · min. belanja Rp100.000"
        assert [c.text for c in words.captions] == ["Nah kak, ini dia!"]
        assert words.poster_at is None
        teaser.params = {"lang": "en", "poster_at": 3.5}  # the seller picked a frame
        assert _render_inputs(s, teaser, stack.media).on_screen.poster_at == 3.5
        assert _render_inputs(s, teaser, stack.media).on_screen.offer == \
            "30% voucher, only during the LIVE · min. spend Rp100,000"
        teaser.plan_id = None  # not linked: no card words, the captions stay
        unlinked = _render_inputs(s, teaser, stack.media).on_screen
        assert (unlinked.title, unlinked.product, unlinked.offer) == (None, None, None)
        assert unlinked.captions
