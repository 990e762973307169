"""Parsing option values the same way in every command: a bad one is a usage error (exit 2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import TypeVar

import typer

from charte.domain.dates import out_of_range

T = TypeVar("T", date, datetime)


def parse_day(text: str, option: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)", param_hint=option) from None
    return _in_calendar(day, option)


def _in_calendar(value: T, option: str) -> T:
    """A date or time inside the calendar charte reasons in; exit 2 naming the option otherwise."""
    if (outside := out_of_range(value)) is not None:
        raise typer.BadParameter(outside, param_hint=option)
    return value


def parse_moment(text: str, option: str, *, naive: tzinfo | None = None) -> datetime:
    """An ISO 8601 time with its offset (or, with ``naive``, one without is taken in that zone)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not an ISO 8601 time", param_hint=option) from None
    _in_calendar(moment, option)  # before any conversion: that is what would overflow
    if moment.tzinfo is None:
        if naive is None:
            raise typer.BadParameter(f"{text!r} has no UTC offset: ambiguous", param_hint=option)
        moment = moment.replace(tzinfo=naive)
    return moment


def parse_optional_day(text: str | None, option: str) -> date | None:
    return None if text is None else parse_day(text, option)


def parse_instant(text: str | None, option: str) -> str | None:
    """A date or a time as the audit stores it (ISO 8601 in UTC), so that text comparison is
    time comparison; a time without an offset is taken as UTC."""
    if text is None:
        return None
    try:
        if len(text) == 10:
            return _in_calendar(date.fromisoformat(text), option).isoformat()
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date or a time (ISO 8601)", param_hint=option) from None
    _in_calendar(moment, option)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


def parse_month(text: str | None, option: str) -> str | None:
    """YYYY-MM, as the audit names its periods."""
    if text is None:
        return None
    try:
        if len(text) != 7:
            raise ValueError(text)
        date.fromisoformat(f"{text}-01")
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a month (YYYY-MM)", param_hint=option) from None
    return text


def parse_euros(text: str, option: str) -> int:
    """An amount in euros (15, 15.5, 15,50) as cents; at most two decimals."""
    from decimal import Decimal, InvalidOperation

    try:
        amount = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise typer.BadParameter(f"{text!r} is not an amount in euros (e.g. 15 or 15.50)", param_hint=option)
    return int(amount * 100)
