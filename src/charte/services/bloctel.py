"""Loading a Bloctel list: the numbers of the operator's file found on the opposition list on a
day, for the calls of its campaigns before 11 August 2026 (Code de la consommation L223-1 in its
former wording). The numbers are kept as keyed hashes only, for the policy's
``prospecting.calls.bloctel.keep``, and purged by the sweep.

A file is loaded whole or not at all: a line that is not a phone number is named (its number, never
its content), and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from charte.domain.audit import Action, Entry
from charte.domain.policy import Policy
from charte.domain.prospecting import Channel, proof_purge_due
from charte.services.audit import Auditor
from charte.services.errors import Refused
from charte.services.prospecting import Contacts, rules_of

BATCH = 10_000  # numbers hashed and written at a time: memory stays flat in the file's size
SHOWN_ERRORS = 20


class BloctelListing(Protocol):
    id: int

    def add(self, contacts: list[str]) -> None:
        """Hash and keep a batch of canonical numbers (a number given twice is kept once)."""
        ...

    def count(self) -> int:
        """The numbers the list holds."""
        ...


class BloctelStore(Protocol):
    def bloctel_list(
        self, dated: date, *, actor: str, at: datetime, purge_due: date
    ) -> AbstractContextManager[BloctelListing]:
        """A new list in one transaction: committed when the block ends without an exception."""
        ...


class BloctelRefused(Refused):
    """Lines of the file are not phone numbers: nothing was loaded."""

    def __init__(self, errors: list[str], total: int) -> None:
        self.errors = errors
        more = f" (and {total - len(errors)} more)" if total > len(errors) else ""
        super().__init__(f"nothing loaded: {total} line(s) are not phone numbers{more}: " + "; ".join(errors))


@dataclass(frozen=True, slots=True)
class BloctelLoad:
    list_id: int
    dated: date
    numbers: int
    purge_due: date

    def as_dict(self) -> dict[str, Any]:
        return {
            "list": self.list_id,
            "dated": self.dated.isoformat(),
            "numbers": self.numbers,
            "purge_due": self.purge_due.isoformat(),
        }


def _numbers(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Each line's number (a CSV's first column); blank lines and a header are skipped."""
    for n, raw in enumerate(lines, 1):
        text = raw.strip().split(";")[0].split(",")[0].strip().strip('"')
        if not text or (n == 1 and not any(c.isdigit() for c in text)):
            continue
        yield n, text


def load_bloctel(
    *,
    policy: Policy,
    store: BloctelStore,
    contacts: Contacts,
    auditor: Auditor,
    actor: str,
    lines: Iterable[str],
    dated: date,
    today: date,
) -> BloctelLoad:
    rule = rules_of(policy).bloctel
    if rule is None:
        raise Refused("the policy has no Bloctel rule (policy: prospecting.calls.bloctel)")
    if dated > today:
        raise Refused(
            f"--dated {dated} is after today ({today}): a list is dated the day Bloctel returned it"
        )
    purge = proof_purge_due(dated, rule.keep)
    if purge <= today:
        raise Refused(f"a list of {dated} is past its retention ({rule.keep}): it would be purged at once")
    errors: list[str] = []
    bad = 0
    with store.bloctel_list(dated, actor=actor, at=auditor.clock.now(), purge_due=purge) as listing:
        batch: list[str] = []
        for n, text in _numbers(lines):
            try:
                batch.append(contacts.canonical(Channel.PHONE, text))
            except ValueError as exc:
                bad += 1
                if len(errors) < SHOWN_ERRORS:
                    errors.append(f"line {n}: {exc}")
            if len(batch) >= BATCH:
                listing.add(batch)
                batch = []
        if batch:
            listing.add(batch)
        if bad:
            raise BloctelRefused(errors, bad)  # the list's transaction rolls back
        list_id, numbers = listing.id, listing.count()
    auditor.record(
        [
            Entry(
                at=auditor.clock.now(),
                actor=actor,
                action=Action.IMPORT,
                decision="allowed",
                detail={"bloctel_list": list_id, "dated": dated.isoformat(), "numbers": numbers},
            )
        ]
    )
    return BloctelLoad(list_id, dated, numbers, purge)
