"""Parsing option values the same way in every command: a bad one is a usage error (exit 2)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import typer


def parse_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)", param_hint=option) from None


def parse_optional_day(text: str | None, option: str) -> date | None:
    return None if text is None else parse_day(text, option)


def parse_instant(text: str | None, option: str) -> str | None:
    """A date or a time as the audit stores it (ISO 8601 in UTC), so that text comparison is
    time comparison; a time without an offset is taken as UTC."""
    if text is None:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date or a time (ISO 8601)", param_hint=option) from None
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
