"""Parsing option values the same way in every command: a bad one is a usage error (exit 2)."""

from __future__ import annotations

from datetime import date

import typer


def parse_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)", param_hint=option) from None


def parse_optional_day(text: str | None, option: str) -> date | None:
    return None if text is None else parse_day(text, option)
