"""The policy's ``prospecting`` section: the dated rules the prospecting gate applies (consent per
channel, Bloctel before 11 August 2026, calling hours, attempts, the pause after a refusal), each
with its source (docs/policy.md)."""

from __future__ import annotations

import re
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from charte.adapters.policy_reader import Reader
from charte.domain.problems import KeyPath
from charte.domain.prospecting import (
    AttemptLimit,
    BloctelRule,
    CallingHours,
    Channel,
    ConsentRule,
    Prospecting,
    RefusalPause,
)
from charte.domain.vocabulary import SourceKind

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


def read_prospecting(r: Reader, value: Any, path: KeyPath) -> Prospecting | None:
    if value is None:
        return None
    d = r.section(value, path, required={"purposes", "consent"}, optional=frozenset({"time_zone", "calls"}))
    consent = r.section(
        d.get("consent", {}), (*path, "consent"), required={"sources", "proof_retention", "required"}
    )
    cpath = (*path, "consent")
    required = consent.get("required", [])
    if not isinstance(required, list):
        r.problems.add((*cpath, "required"), "wrong type", expected="a list of rules")
        required = []
    zone = r.text(d, "time_zone", path) if "time_zone" in d else "Europe/Paris"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        r.problems.add(
            (*path, "time_zone"), "unknown time zone", found=repr(zone), expected="e.g. Europe/Paris"
        )
        zone = "Europe/Paris"
    calls = r.section(
        d.get("calls", {}),
        (*path, "calls"),
        required=set(),
        optional=frozenset({"channels", "bloctel", "hours", "attempts", "after_refusal"}),
    )
    kpath = (*path, "calls")
    return Prospecting(
        purposes=r.ids(d, "purposes", path),
        consent_rules=tuple(
            _consent_rule(r, rule, (*cpath, "required", i)) for i, rule in enumerate(required)
        ),
        consent_sources=frozenset(r.choices(consent, "sources", cpath, SourceKind)),
        consent_retention=r.text(consent, "proof_retention", cpath),
        calls=frozenset(r.choices(calls, "channels", kpath, Channel))
        if "channels" in calls
        else frozenset({Channel.PHONE}),
        bloctel=_bloctel(r, calls["bloctel"], (*kpath, "bloctel")) if "bloctel" in calls else None,
        hours=_hours(r, calls["hours"], (*kpath, "hours")) if "hours" in calls else None,
        attempts=_attempts(r, calls["attempts"], (*kpath, "attempts")) if "attempts" in calls else None,
        after_refusal=_pause(r, calls["after_refusal"], (*kpath, "after_refusal"))
        if "after_refusal" in calls
        else None,
        time_zone=zone,
    )


def _consent_rule(r: Reader, value: Any, path: KeyPath) -> ConsentRule:
    d = r.section(
        value, path, required={"channels", "since", "source"}, optional=frozenset({"client_exception"})
    )
    return ConsentRule(
        channels=frozenset(r.choices(d, "channels", path, Channel)),
        since=r.day(d, "since", path),
        source=r.text(d, "source", path),
        client_exception=r.optional_text(d, "client_exception", path),
    )


def _bloctel(r: Reader, value: Any, path: KeyPath) -> BloctelRule:
    d = r.section(
        value,
        path,
        required={"until", "max_age", "keep", "source", "max_age_source"},
        optional=frozenset({"client_exception"}),
    )
    return BloctelRule(
        until=r.day(d, "until", path),
        max_age=r.duration(d, "max_age", path),
        keep=r.duration(d, "keep", path),
        source=r.text(d, "source", path),
        max_age_source=r.text(d, "max_age_source", path),
        client_exception=r.optional_text(d, "client_exception", path),
    )


def _hours(r: Reader, value: Any, path: KeyPath) -> CallingHours:
    d = r.section(
        value,
        path,
        required={"since", "weekdays", "windows", "source"},
        optional=frozenset({"no_public_holidays"}),
    )
    days = r.ids(d, "weekdays", path)
    weekdays = set()
    for i, name in enumerate(days):
        if name in _WEEKDAYS:
            weekdays.add(_WEEKDAYS.index(name))
        else:
            r.problems.add(
                (*path, "weekdays", i),
                "unknown day",
                found=repr(name),
                expected="one of " + ", ".join(_WEEKDAYS),
            )
    windows = []
    for i, text in enumerate(r.ids(d, "windows", path)):
        found = _WINDOW.match(text)
        start = end = None
        if found is not None:
            start = time(int(found[1]), int(found[2]))
            end = time.max if found[3] == "24" else time(int(found[3]), int(found[4]))
        if start is None or end is None or end <= start:
            r.problems.add(
                (*path, "windows", i),
                "not a window",
                found=repr(text),
                expected="HH:MM-HH:MM, the end after the start",
            )
            continue
        windows.append((start, end))
    return CallingHours(
        since=r.day(d, "since", path),
        weekdays=frozenset(weekdays),
        windows=tuple(windows),
        no_public_holidays=r.flag(d, "no_public_holidays", path, default=True),
        source=r.text(d, "source", path),
    )


def _attempts(r: Reader, value: Any, path: KeyPath) -> AttemptLimit:
    d = r.section(value, path, required={"since", "at_most", "days", "source"})
    return AttemptLimit(
        since=r.day(d, "since", path),
        at_most=r.positive(d, "at_most", path, 4),
        days=r.positive(d, "days", path, 30),
        source=r.text(d, "source", path),
    )


def _pause(r: Reader, value: Any, path: KeyPath) -> RefusalPause:
    d = r.section(value, path, required={"since", "days", "source"})
    return RefusalPause(
        since=r.day(d, "since", path), days=r.positive(d, "days", path, 60), source=r.text(d, "source", path)
    )
