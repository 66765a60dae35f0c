"""Level-1 product categories: the known list the hub filters by and a session's category
is checked against, each named in Indonesian and English.

A name matches a category when it equals its code, its Indonesian or its English name,
without regard to case or repeated spaces ("beauty", "BEAUTY", "Kecantikan & Perawatan
Pribadi" are one category). ``every_detail`` marks the categories whose product-specs
highlight (check 10) needs every detail kind: bags, fashion and beauty ("Untuk Produk
Tas, Fashion, & Kecantikan", seed 001); the others need at least two.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import UnknownCategory


@dataclass(frozen=True)
class Category:
    """A level-1 category: stable ``code`` (stored, filtered by), its names, and whether
    check 10 needs every product-detail kind."""

    code: str
    name_id: str
    name_en: str
    every_detail: bool


def _c(code: str, name_id: str, name_en: str, every_detail: bool = False) -> Category:
    return Category(code, name_id, name_en, every_detail)


CATEGORIES: tuple[Category, ...] = (
    _c("womenswear", "Pakaian Wanita", "Womenswear", True),
    _c("menswear", "Pakaian Pria", "Menswear", True),
    _c("muslim_fashion", "Fashion Muslim", "Muslim Fashion", True),
    _c("kids_fashion", "Fashion Anak", "Kids' Fashion", True),
    _c("shoes", "Sepatu", "Shoes", True),
    _c("bags", "Tas", "Bags", True),
    _c("fashion_accessories", "Aksesori Fashion", "Fashion Accessories", True),
    _c("jewellery", "Perhiasan", "Jewellery", True),
    _c("beauty", "Kecantikan & Perawatan Pribadi", "Beauty & Personal Care", True),
    _c("health", "Kesehatan", "Health"),
    _c("food_beverages", "Makanan & Minuman", "Food & Beverages"),
    _c("phones_electronics", "Ponsel & Elektronik", "Phones & Electronics"),
    _c("computers_office", "Komputer & Peralatan Kantor", "Computers & Office Equipment"),
    _c("household_appliances", "Peralatan Rumah Tangga", "Household Appliances"),
    _c("home_supplies", "Perlengkapan Rumah", "Home Supplies"),
    _c("kitchenware", "Peralatan Dapur", "Kitchenware"),
    _c("furniture", "Furnitur", "Furniture"),
    _c("textiles", "Tekstil & Perabot Lunak", "Textiles & Soft Furnishings"),
    _c("tools_hardware", "Perkakas & Perangkat Keras", "Tools & Hardware"),
    _c("automotive", "Otomotif & Sepeda Motor", "Automotive & Motorcycle"),
    _c("sports_outdoor", "Olahraga & Outdoor", "Sports & Outdoor"),
    _c("baby_maternity", "Ibu & Bayi", "Baby & Maternity"),
    _c("toys_hobbies", "Mainan & Hobi", "Toys & Hobbies"),
    _c("pet_supplies", "Perlengkapan Hewan Peliharaan", "Pet Supplies"),
    _c("books_media", "Buku, Majalah & Audio", "Books, Magazines & Audio"),
    _c("virtual_products", "Produk Virtual", "Virtual Products"),
)


def _key(name: str) -> str:
    return " ".join(name.replace("_", " ").split()).casefold()


_BY_NAME: dict[str, Category] = {
    _key(name): c for c in CATEGORIES for name in (c.code, c.name_id, c.name_en)
}


def find_category(name: str | None) -> Category | None:
    """The category ``name`` names (code, Indonesian or English name, any case), or
    ``None`` when it names none."""
    if not name:
        return None
    return _BY_NAME.get(_key(name))


def parse_category(name: str) -> Category:
    """The category ``name`` names; raises ``UnknownCategory`` saying where the list is."""
    found = find_category(name)
    if found is None:
        examples = ", ".join(f"{c.code} ({c.name_id} / {c.name_en})" for c in CATEGORIES[5:9])
        raise UnknownCategory(
            f"Unknown level-1 category {name!r}. Use a code or a name (Indonesian or English) "
            f"from GET /v1/hub/categories, for example {examples}.", field="category",
            indonesian=f"Kategori level 1 {name!r} tidak dikenal. Pakai kode atau nama "
                       "(Indonesia atau Inggris) dari GET /v1/hub/categories, misalnya "
                       f"{examples}.")
    return found


def same_category(stored: str, asked: str) -> bool:
    """Whether a stored category and an asked one are the same category (both known:
    by code; otherwise by their text without regard to case)."""
    a, b = find_category(stored), find_category(asked)
    if a is not None and b is not None:
        return a.code == b.code
    return _key(stored) == _key(asked)
