"""The exclusive LIVE offer: terms checked, the strongest tool chosen, worded in
Indonesian and English, an amount only when the amount is the offer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.errors import DomainError
from domain.money import Money
from domain.offers import Offer, OfferTermsInvalid, check_terms, offer_from, strongest
from domain.plans import PromotionToolKind as K
from domain.wording import cta_text, money_text, offer_text

ENDS = datetime(2024, 11, 23, 13, 30, tzinfo=UTC)  # 20.30 WIB


@pytest.mark.parametrize(("offer", "id_text", "en_text"), [
    (Offer(K.DISCOUNT, percent_off=30), "Diskon 30% hanya saat LIVE",
     "30% off, only during the LIVE"),
    (Offer(K.VOUCHER, amount_off=Money(2_000_000, "IDR"), min_spend=Money(10_000_000, "IDR")),
     "Voucher Rp20.000 hanya saat LIVE · min. belanja Rp100.000",
     "Rp20,000 voucher, only during the LIVE · min. spend Rp100,000"),
    (Offer(K.FREE_SHIPPING, ends_at=ENDS), "Gratis ongkir hanya saat LIVE · s/d 20.30 WIB",
     "Free shipping, only during the LIVE · until 8:30 PM WIB"),
    (Offer(K.FLASH_SALE), "Flash sale hanya saat LIVE", "Flash sale, only during the LIVE"),
    (Offer(K.BUNDLE, percent_off=15), "Paket hemat 15% hanya saat LIVE",
     "Bundle deal 15% off, only during the LIVE"),
])
def test_offer_is_worded_in_both_languages(offer: Offer, id_text: str, en_text: str) -> None:
    assert offer_text(offer, "id", "Asia/Jakarta") == id_text
    assert offer_text(offer, "en", "Asia/Jakarta") == en_text


def test_strongest_offer_is_shown() -> None:
    start = datetime(2024, 11, 23, 12, 0, tzinfo=UTC)
    offers = [Offer(K.FREE_SHIPPING), Offer(K.DISCOUNT, percent_off=10),
              Offer(K.FLASH_SALE, percent_off=50, ends_at=datetime(2024, 11, 22, tzinfo=UTC)),
              Offer(K.VOUCHER, percent_off=20)]
    assert strongest(offers, start) == Offer(K.VOUCHER, percent_off=20)  # the 50% has ended
    assert strongest([Offer(K.FREE_SHIPPING), Offer(K.FLASH_SALE)]) == Offer(K.FLASH_SALE)
    assert strongest([]) is None


@pytest.mark.parametrize(("terms", "match"), [
    ({"percent_off": 10, "amount_off": 500}, "not both"),
    ({"percent_off": 0}, "1 to 100"),
    ({"amount_off": -5}, "positive"),
    ({"min_spend": -1}, "negative"),
])
def test_bad_terms_are_refused_naming_the_tool(terms: dict, match: str) -> None:
    args = {"percent_off": None, "amount_off": None, "min_spend": None, "ends_at": None, **terms}
    with pytest.raises(OfferTermsInvalid, match=f"'v1'.*{match}") as caught:
        check_terms("voucher", tool_id="v1", **args)
    assert isinstance(caught.value, DomainError)
    with pytest.raises(OfferTermsInvalid, match="free shipping takes no"):
        check_terms("free_shipping", 10, None, None, None, "f1")


def test_stored_terms_become_an_offer() -> None:
    offer = offer_from("voucher", {"amount_off": 2_000_000, "ends_at": ENDS.isoformat()}, "IDR")
    assert offer == Offer(K.VOUCHER, amount_off=Money(2_000_000, "IDR"), ends_at=ENDS)
    assert offer_from("discount", None, "IDR") == Offer(K.DISCOUNT)


def test_money_and_call_to_action_words() -> None:
    assert money_text(Money(5_000_000, "IDR")) == "Rp50.000"
    assert money_text(Money(1250, "MYR"), "en") == "RM12.50"
    assert cta_text("id") == "Ketuk untuk masuk LIVE" and cta_text("en") == "Tap to join the LIVE"
