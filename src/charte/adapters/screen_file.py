"""A campaign's file of contacts to screen: CSV or JSON Lines, read line by line.

JSON Lines (the first character of the file is ``{``): one object a line, ``contact`` and
optionally ``channel``, ``at`` (ISO 8601 with its offset) and ``person`` (a ref); any other key is
refused. CSV (``,`` or ``;``): a header naming the same columns, in any order, or no header and one
contact a line; a file of one column (no header, or ``contact`` alone) is read line by line, so that
a postal address keeps its commas. A line's own channel and time win over the command's defaults.
A line that cannot be read becomes a ``BadLine`` naming its field — never its content — and the
others go on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

import orjson

from charte.domain.dates import out_of_range
from charte.domain.prospecting import Channel
from charte.services.prospecting import BadLine, ScreenLine

COLUMNS = ("contact", "channel", "at", "person")
MAX_LINE = 10_000  # bytes: a contact line is short; a longer one is refused, not parsed


def read_screen(
    source: IO[bytes], *, channel: Channel | None, moment: datetime | None
) -> Iterator[ScreenLine | BadLine]:
    text = io.TextIOWrapper(source, encoding="utf-8-sig", errors="replace", newline="")
    first = text.readline()
    rest: Iterator[str] = iter(text)
    if first.lstrip().startswith("{"):
        yield from _jsonl(first, rest, channel, moment)
    else:
        yield from _csv(first, rest, channel, moment)


def _jsonl(
    first: str, rest: Iterator[str], channel: Channel | None, moment: datetime | None
) -> Iterator[ScreenLine | BadLine]:
    for n, raw in enumerate(_chain(first, rest), 1):
        yield from _json_line(n, raw, channel, moment)


def _json_line(
    n: int, raw: str, channel: Channel | None, moment: datetime | None
) -> Iterator[ScreenLine | BadLine]:
    if not raw.strip():
        return
    if len(raw) > MAX_LINE:
        yield BadLine(n, f"the line is longer than {MAX_LINE} characters")
        return
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        yield BadLine(n, "not a JSON object")
        return
    if not isinstance(data, dict):
        yield BadLine(n, "not a JSON object")
        return
    unknown = sorted(set(data) - set(COLUMNS))
    if unknown:
        yield BadLine(n, f"{unknown[0]}: unknown key (expected {', '.join(COLUMNS)})")
        return
    yield _line(n, data, channel, moment)


def _csv(
    first: str, rest: Iterator[str], channel: Channel | None, moment: datetime | None
) -> Iterator[ScreenLine | BadLine]:
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = [c.strip().lower() for c in next(csv.reader([first], delimiter=delimiter), [])]
    named = bool(header) and "contact" in header
    if named:
        unknown = [c for c in header if c not in COLUMNS]
        if unknown:
            yield BadLine(1, f"{unknown[0]}: unknown column (expected {', '.join(COLUMNS)})")
            return
        lines: Iterator[str] = rest
        start = 2
    else:
        header = ["contact"]  # no header: one contact a line, the first line included
        lines = _chain(first, rest)
        start = 1
    if header == ["contact"]:
        # One column: each line is the contact whole — a postal address keeps its commas (« 1 rue
        # des Lilas, 79000 Niort »); a quoted line is unquoted as CSV would.
        for n, raw in enumerate(lines, start):
            text = raw.strip()
            if text.startswith('"'):
                text = next(csv.reader([text]), [""])[0]
            if text:
                yield _line(n, {"contact": text}, channel, moment)
        return
    for n, row in enumerate(csv.reader(lines, delimiter=delimiter), start):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield BadLine(n, f"{len(row)} columns where the header has {len(header)}")
            continue
        yield _line(n, dict(zip(header, row, strict=True)), channel, moment)


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _line(
    n: int, data: dict[str, Any], channel: Channel | None, moment: datetime | None
) -> ScreenLine | BadLine:
    contact = data.get("contact")
    if not isinstance(contact, str) or not contact.strip():
        return BadLine(n, "contact: missing or not a non-empty string")
    chosen = channel
    if data.get("channel") not in (None, ""):
        try:
            chosen = Channel(str(data["channel"]).strip())
        except ValueError:
            return BadLine(n, f"channel: not one of {', '.join(c.value for c in Channel)}")
    if chosen is None:
        return BadLine(n, "channel: missing (on the line, or --channel for the whole file)")
    when = moment
    if data.get("at") not in (None, ""):
        try:
            when = datetime.fromisoformat(str(data["at"]).strip())
        except ValueError:
            return BadLine(n, "at: not an ISO 8601 date and time")
        if when.tzinfo is None:
            return BadLine(n, "at: needs its offset (2026-12-07T11:00:00+01:00)")
        if out_of_range(when):
            return BadLine(n, "at: outside the years charte accepts")
    if when is None:
        return BadLine(n, "at: missing (on the line, or --at for the whole file)")
    person = data.get("person")
    if person is not None and (not isinstance(person, str) or len(person) > 128):
        return BadLine(n, "person: not a ref")
    return ScreenLine(n, contact, chosen, when, person or None)
