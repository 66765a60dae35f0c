from __future__ import annotations

import pytest

from domain.categories import CATEGORIES, find_category, parse_category, same_category
from domain.errors import UnknownCategory


@pytest.mark.parametrize("name", ["bags", "BAGS", "Tas", "tas", "  Tas ", "Bags"])
def test_a_category_is_found_by_code_or_either_name_in_any_case(name: str) -> None:
    found = find_category(name)
    assert found is not None and found.code == "bags" and found.every_detail


def test_codes_and_names_are_unique() -> None:
    keys = [k for c in CATEGORIES for k in {n.casefold() for n in (c.code, c.name_id, c.name_en)}]
    assert len(keys) == len(set(keys))


def test_an_unknown_category_is_refused_saying_where_the_list_is() -> None:
    with pytest.raises(UnknownCategory, match=r"'Bagz'.*GET /v1/hub/categories"):
        parse_category("Bagz")


def test_stored_and_asked_categories_compare_by_code() -> None:
    assert same_category("beauty", "Kecantikan & Perawatan Pribadi")
    assert not same_category("beauty", "bags")
    assert same_category("Gadget stuff", "gadget STUFF")  # legacy text, not on the list
