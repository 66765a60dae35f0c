"""Named errors of the domain rules.

Every rule that refuses something raises a :class:`DomainError` subclass whose
``message`` tells the seller (or the integrating team) what to do next, in English and,
for the rules a seller meets on a form, in Indonesian too (``message_in``). The API maps
them to problem+json using ``code`` (stable, machine-readable), ``field`` and the message
in the language the request accepts.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every rule violation; carries an actionable, human-readable message."""

    code: str = "domain_error"

    def __init__(self, message: str, *, field: str | None = None,
                 indonesian: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the input at fault, when one is (``segments.1.end``)
        self.indonesian = indonesian  # the same message for a seller reading Indonesian

    def message_in(self, lang: str) -> str:
        """The message in ``lang`` ("id" or "en"); English where a rule has no other."""
        return self.indonesian if lang == "id" and self.indonesian else self.message

    def __str__(self) -> str:
        return self.message


class InvalidValue(DomainError):
    """A value is malformed (naive datetime, negative counter, empty title, ...)."""

    code = "invalid_value"


class UnknownTimeZone(InvalidValue):
    """The time zone is not an IANA zone name that zoneinfo knows."""

    code = "unknown_time_zone"


class UnknownCategory(InvalidValue):
    """A level-1 product category that is not on the known list."""

    code = "unknown_category"


class UnsupportedLanguage(InvalidValue):
    """The wording language is not one the service writes."""

    code = "unsupported_language"


class UnknownCurrency(InvalidValue):
    """A currency code that is not on the ISO 4217 list."""

    code = "unknown_currency"


class CurrencyMismatch(DomainError):
    """Two amounts in different currencies were combined."""

    code = "currency_mismatch"


class AccountNotLinkable(DomainError):
    """The TikTok account cannot be linked to the shop for LIVE selling."""

    code = "account_not_linkable"


class PlanInvalid(DomainError):
    """A LIVE plan's fields break a rule (products, promotion tools, schedule)."""

    code = "plan_invalid"


class PlanDetailsLocked(DomainError):
    """Title, description, start or duration were changed after the plan was created."""

    code = "plan_details_locked"


class TeaserRefused(DomainError):
    """A teaser cannot be created, scheduled or posted as asked."""

    code = "teaser_refused"


class PeriodInvalid(DomainError):
    """A reporting period is malformed or a comparison is not offered for it."""

    code = "period_invalid"


class HubAccessDenied(DomainError):
    """The creator cannot browse the Inspiration Hub's LIVE list (privacy is off)."""

    code = "hub_access_denied"


class EditRefused(InvalidValue):
    """A teaser's edited cuts break a rule (``domain.edits``); ``rule`` names which."""

    code = "edit_refused"

    def __init__(self, message: str, *, field: str, rule: str,
                 indonesian: str | None = None) -> None:
        super().__init__(message, field=field, indonesian=indonesian)
        self.rule = rule
