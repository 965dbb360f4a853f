"""Reading fields of a JSON body: shapes only (the rules are the services'); errors name the field."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from marketplace.errors import DomainError

MAX_WHOLE = 2**31 - 1  # an INTEGER column's largest value


def missing(name: str) -> DomainError:
    return DomainError(_("%(field)s is required.", field=name), field=name)


def day(body: dict, name: str, *, required: bool = True) -> date | None:
    """An ISO date; None when absent and not required."""
    value = body.get(name)
    if value in (None, ""):
        if required:
            raise missing(name)
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(_("%(field)s must be a date like 2024-05-31.", field=name), field=name)


def whole(body: dict, name: str, *, required: bool = True) -> int | None:
    """A whole number from 0 to what an INTEGER column holds; None when absent and not required."""
    value = body.get(name)
    if value in (None, ""):
        if required:
            raise missing(name)
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_WHOLE:
        raise DomainError(_("%(field)s must be a whole number, 0 or more.", field=name), field=name)
    return value
