"""Keyword evidence from a session transcript (Indonesian and English).

A heuristic: a phrase counts when it appears as whole words, case-insensitive. Used
by the highlight checks the catalogue says a transcript can decide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CALL_TO_ACTION = (
    "checkout", "check out", "klik keranjang", "keranjang kuning", "beli sekarang",
    "order sekarang", "langsung order", "buruan", "stok terbatas", "tinggal sedikit",
    "hari ini saja", "jangan sampai kehabisan", "follow", "share", "bagikan",
    "buy now", "add to cart", "limited stock", "hurry", "last chance", "only today",
)  # fmt: skip
SPEC_GROUPS: dict[str, tuple[str, ...]] = {
    "material": ("bahan", "material", "komposisi", "kandungan", "katun", "cotton", "kulit",
                 "leather", "polyester", "ingredients"),
    "origin": ("buatan", "made in", "asal", "diproduksi", "produksi lokal", "impor", "origin"),
    "colour_size": ("warna", "ukuran", "size", "colour", "color", "cm", "ml", "gram"),
    "variant": ("varian", "variant", "model", "motif", "tipe"),
    "technical": ("watt", "prosesor", "processor", "baterai", "battery", "mah", "ram"),
    "nutrition": ("kalori", "calories", "protein", "gizi", "nutrition", "gula", "sugar"),
    "safety": ("bpom", "sni", "halal", "tanda ce", "ce mark", "sertifikasi", "certified"),
    "expiry": ("kedaluwarsa", "kadaluarsa", "expired", "expiry"),
}  # fmt: skip
FASHION_BEAUTY_GROUPS = ("material", "origin", "colour_size", "variant")
PRODUCT_VALUE = (
    "manfaat", "bermanfaat", "supaya", "agar", "biar", "bikin", "tahan air", "awet",
    "melindungi", "melembapkan", "benefit", "keeps", "helps", "so that", "protects",
    "waterproof",
)  # fmt: skip
TARGET_USER = (
    "cocok untuk", "cocok buat", "pas untuk", "pas buat", "untuk kamu yang",
    "buat kamu yang", "dipakai saat", "dipakai untuk", "perfect for", "great for",
    "ideal for", "for anyone who",
)  # fmt: skip
TRUST = (
    "garansi", "bergaransi", "retur", "pengembalian", "tukar barang", "pengiriman",
    "dikirim", "kirim hari ini", "quality control", "bpom", "sertifikasi", "warranty",
    "guarantee", "return", "refund", "exchange", "shipping", "delivery",
)  # fmt: skip


def mentions(transcript: str, phrases: Iterable[str]) -> tuple[str, ...]:
    """The phrases of ``phrases`` found in ``transcript`` as whole words."""
    text = transcript.casefold()
    return tuple(p for p in phrases if re.search(rf"(?<!\w){re.escape(p.casefold())}(?!\w)", text))


def spec_groups_mentioned(transcript: str) -> tuple[str, ...]:
    """Which product-detail groups (material, origin, colour/size, ...) are mentioned."""
    return tuple(g for g, words in SPEC_GROUPS.items() if mentions(transcript, words))
