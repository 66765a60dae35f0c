"""Exact money: integer minor units plus an ISO 4217 currency code. No floats, ever."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from domain.errors import CurrencyMismatch, InvalidValue, UnknownCurrency

# ISO 4217 (list one, current currency and funds codes; precious metals, SDR, testing
# and "no currency" codes are left out: no shop sells in them), by minor-unit exponent.
# IDR is 2 in ISO 4217 even though prices are shown without cents; the platform export
# carries IDR in whole rupiah, which the caller converts with ``Money.of``.
_BY_EXPONENT: dict[int, str] = {
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
    2: "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN "
       "BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB "
       "EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS "
       "KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN "
       "MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD "
       "SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS "
       "UAH USD USN UZS VED VES WST XCD XCG YER ZAR ZMW ZWG",
    3: "BHD IQD JOD KWD LYD OMR TND",
    4: "CLF UYW",
}
_EXPONENTS: dict[str, int] = {
    code: exponent for exponent, codes in _BY_EXPONENT.items() for code in codes.split()
}
CURRENCIES: frozenset[str] = frozenset(_EXPONENTS)


def minor_unit_exponent(currency: str) -> int:
    """Number of decimal places of ``currency``'s minor unit (ISO 4217)."""
    return _EXPONENTS[parse_currency(currency)]


def parse_currency(code: str) -> str:
    """``code`` when it is an ISO 4217 currency code (upper case, as the standard writes
    it); raises ``UnknownCurrency`` otherwise."""
    if not (isinstance(code, str) and code in CURRENCIES):
        raise UnknownCurrency(
            f"Unknown currency {code!r}: give an ISO 4217 code in capitals, such as IDR, "
            "MYR, THB, PHP, VND, SGD or USD.", field="currency",
            indonesian=f"Mata uang {code!r} tidak dikenal: pakai kode ISO 4217 dengan huruf "
                       "kapital, misalnya IDR, MYR, THB, PHP, VND, SGD atau USD.")
    return code


@dataclass(frozen=True, order=False)
class Money:
    """An amount in integer minor units of an ISO 4217 currency (``amount`` 150000 IDR =
    Rp 1.500,00). Adding or comparing different currencies raises ``CurrencyMismatch``."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise InvalidValue(
                f"Money amount must be an integer number of minor units, got {self.amount!r}.",
                indonesian="Jumlah uang harus bilangan bulat dalam satuan terkecil mata uang, "
                           f"bukan {self.amount!r}.")
        parse_currency(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Zero in ``currency``."""
        return cls(0, currency)

    @classmethod
    def of(cls, value: Decimal | int | str, currency: str) -> Money:
        """Money from a major-unit amount (``Money.of("1500.5", "IDR")``), exact; refuses
        more decimals than the currency's minor unit has."""
        if isinstance(value, float):
            raise InvalidValue("Give money as a string, int or Decimal, never a float.",
                               indonesian="Tulis jumlah uang sebagai teks, bilangan bulat "
                                          "atau Decimal, jangan sebagai float.")
        exponent = minor_unit_exponent(currency)
        minor = Decimal(value) * (Decimal(10) ** exponent)
        if minor != minor.to_integral_value():
            raise InvalidValue(f"{value} {currency} has more than {exponent} decimal places.",
                               indonesian=f"{value} {currency} punya lebih dari {exponent} "
                                          "angka di belakang koma.")
        return cls(int(minor), currency)

    def to_decimal(self) -> Decimal:
        """The amount in major units, exact."""
        return Decimal(self.amount).scaleb(-minor_unit_exponent(self.currency))

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(
                f"Cannot combine {self.currency} with {other.currency}; "
                "convert to one currency first.",
                indonesian=f"{self.currency} tidak bisa digabung dengan {other.currency}; "
                           "ubah dulu ke satu mata uang.")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def scaled(self, factor: Fraction | int) -> Money:
        """This amount times an exact ``factor``, rounded half-to-even to the minor unit."""
        return Money(round_half_even(Fraction(self.amount) * Fraction(factor)), self.currency)

    def __str__(self) -> str:
        return f"{self.to_decimal()} {self.currency}"


def round_half_even(value: Fraction) -> int:
    """``value`` rounded to the nearest integer, ties to even (banker's rounding), exact."""
    quotient, remainder = divmod(value.numerator, value.denominator)
    twice = 2 * remainder
    if twice > value.denominator or (twice == value.denominator and quotient % 2 == 1):
        quotient += 1
    return quotient


def total(amounts: Iterable[Money], currency: str) -> Money:
    """Sum of ``amounts`` (zero in ``currency`` when empty); refuses mixed currencies."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result
