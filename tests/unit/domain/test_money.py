from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from domain.errors import CurrencyMismatch, DomainError, InvalidValue
from domain.money import CURRENCIES, Money, minor_unit_exponent, round_half_even, total


def test_money_adds_in_one_currency_exactly() -> None:
    assert Money(10, "IDR") + Money(5, "IDR") == Money(15, "IDR")
    assert total([Money(1, "USD"), Money(2, "USD")], "USD") == Money(3, "USD")
    assert total([], "IDR") == Money.zero("IDR")


def test_money_refuses_adding_different_currencies() -> None:
    with pytest.raises(CurrencyMismatch, match="convert"):
        _ = Money(1, "IDR") + Money(1, "USD")
    with pytest.raises(CurrencyMismatch):
        _ = Money(1, "IDR") < Money(1, "USD")


@pytest.mark.parametrize("amount", [1.5, True, "10"])
def test_money_refuses_non_integer_minor_units(amount: object) -> None:
    with pytest.raises(InvalidValue):
        Money(amount, "IDR")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["idr", "RUPIAH", "", "I1R", "ABC", "RPH", "XAU", "XXX"])
def test_money_needs_an_iso_currency_code(currency: str) -> None:
    with pytest.raises(DomainError, match="ISO 4217"):
        Money(1, currency)


@pytest.mark.parametrize(("currency", "exponent"),
                         [("IDR", 2), ("MYR", 2), ("VND", 0), ("JPY", 0), ("KWD", 3), ("CLF", 4)])
def test_minor_units_come_from_the_iso_4217_list(currency: str, exponent: int) -> None:
    assert minor_unit_exponent(currency) == exponent
    assert currency in CURRENCIES


@pytest.mark.parametrize(
    ("value", "currency", "minor"),
    [("1500", "IDR", 150000), ("0.01", "USD", 1), (Decimal("12.5"), "EUR", 1250), (7, "JPY", 7)],
)
def test_money_of_major_units_is_exact(
    value: str | Decimal | int, currency: str, minor: int
) -> None:
    money = Money.of(value, currency)
    assert money == Money(minor, currency)
    assert money.to_decimal() == Decimal(value)


def test_money_of_refuses_floats_and_extra_decimals() -> None:
    with pytest.raises(InvalidValue, match="float"):
        Money.of(1.5, "IDR")  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match="decimal places"):
        Money.of("0.001", "USD")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(5, 2), 2),
        (Fraction(7, 2), 4),
        (Fraction(-5, 2), -2),
        (Fraction(10, 3), 3),
        (Fraction(11, 3), 4),
    ],
)
def test_rounding_is_half_to_even(value: Fraction, expected: int) -> None:
    assert round_half_even(value) == expected


def test_scaling_money_rounds_to_minor_unit() -> None:
    assert Money(1, "IDR").scaled(Fraction(1, 2)) == Money(0, "IDR")
    assert Money(3, "IDR").scaled(Fraction(1, 2)) == Money(2, "IDR")
