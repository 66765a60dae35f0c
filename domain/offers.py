"""The exclusive LIVE offer a teaser shows: a promotion tool's terms (percent or amount
off, minimum spend, when it ends), checked, and the strongest of a plan's tools chosen.

Terms are optional: a tool without them is still an offer ("Gratis ongkir hanya saat
LIVE"). The words are in ``domain.wording.offer_text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.errors import InvalidValue
from domain.money import Money
from domain.plans import PromotionToolKind
from domain.timezones import ensure_aware


class OfferTermsInvalid(InvalidValue):
    """A promotion tool's terms do not make an offer."""

    code = "offer_terms_invalid"


@dataclass(frozen=True)
class Offer:
    """A promotion tool as a viewer would be told it."""

    kind: PromotionToolKind
    percent_off: int | None = None
    amount_off: Money | None = None
    min_spend: Money | None = None
    ends_at: datetime | None = None


def check_terms(kind: str, percent_off: int | None, amount_off: int | None,
                min_spend: int | None, ends_at: datetime | None, tool_id: str) -> None:
    """Refuse terms that cannot be an offer, naming the tool and what to send instead.
    Amounts are minor units of the shop's currency."""
    where, di = f"Promotion tool {tool_id!r}", f"Alat promosi {tool_id!r}"
    if percent_off is not None and amount_off is not None:
        raise OfferTermsInvalid(f"{where}: give percent_off or amount_off, not both.",
                                field="percent_off",
                                indonesian=f"{di}: isi percent_off atau amount_off, jangan "
                                           "keduanya.")
    if percent_off is not None and not 1 <= percent_off <= 100:
        raise OfferTermsInvalid(f"{where}: percent_off must be 1 to 100 (got {percent_off}).",
                                field="percent_off",
                                indonesian=f"{di}: percent_off harus 1 sampai 100 (bukan "
                                           f"{percent_off}).")
    if amount_off is not None and amount_off <= 0:
        raise OfferTermsInvalid(f"{where}: amount_off must be a positive amount in minor "
                                f"units of the shop's currency (got {amount_off}).",
                                field="amount_off",
                                indonesian=f"{di}: amount_off harus jumlah positif dalam "
                                           "satuan terkecil mata uang toko (bukan "
                                           f"{amount_off}).")
    if min_spend is not None and min_spend < 0:
        raise OfferTermsInvalid(f"{where}: min_spend cannot be negative (got {min_spend}).",
                                field="min_spend",
                                indonesian=f"{di}: min_spend tidak boleh negatif (bukan "
                                           f"{min_spend}).")
    if (percent_off is not None or amount_off is not None) and kind == "free_shipping":
        raise OfferTermsInvalid(f"{where}: free shipping takes no percent or amount off; "
                                "send only min_spend and ends_at.", field="kind",
                                indonesian=f"{di}: gratis ongkir tidak memakai potongan persen "
                                           "atau jumlah; kirim min_spend dan ends_at saja.")
    if ends_at is not None:
        ensure_aware(ends_at, f"end of promotion tool {tool_id!r}")


def offer_from(kind: str, terms: Mapping[str, Any] | None, currency: str) -> Offer:
    """An ``Offer`` from a stored tool kind and its terms (as the catalogue keeps them)."""
    t = dict(terms or {})
    ends = t.get("ends_at")
    return Offer(
        kind=PromotionToolKind(kind), percent_off=t.get("percent_off"),
        amount_off=Money(int(t["amount_off"]), currency) if t.get("amount_off") else None,
        min_spend=Money(int(t["min_spend"]), currency) if t.get("min_spend") else None,
        ends_at=datetime.fromisoformat(ends) if isinstance(ends, str) else ends)


_KIND_ORDER = (PromotionToolKind.FLASH_SALE, PromotionToolKind.DISCOUNT,
               PromotionToolKind.VOUCHER, PromotionToolKind.BUNDLE,
               PromotionToolKind.FREE_SHIPPING)


def strongest(offers: Iterable[Offer], now: datetime | None = None) -> Offer | None:
    """The offer to show: still running at ``now``; the highest percent off, then the
    largest amount off, then a flash sale before a discount, voucher, bundle, free
    shipping; a lower minimum spend wins a tie."""
    live = [o for o in offers if o.ends_at is None or now is None or o.ends_at > now]
    if not live:
        return None
    return min(live, key=lambda o: (
        -(o.percent_off or 0), -(o.amount_off.amount if o.amount_off else 0),
        _KIND_ORDER.index(o.kind), o.min_spend.amount if o.min_spend else 0))
