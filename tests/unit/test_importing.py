"""The import use case on an in-memory register (services.importing, docs/events.md): a file is
applied whole or not at all, every bad line is named, chunks share their state. The SQL that
carries an import out is tested on both engines in tests/integration/test_register_import.py."""

from __future__ import annotations

import io
import json
import time
from datetime import date

import pytest

from charte.adapters.event_feed import FeedReader
from charte.domain.audit import Action
from charte.domain.register import Role
from charte.services import importing
from charte.services.audit import Auditor
from tests.fakes import FixedClock, MemoryAudit, MemoryRegister, hmac_of
from tests.feed import SCENARIO, designated, ended, person, registered, signed


def run(register: MemoryRegister, policy, events, **options) -> importing.ImportReport:
    lines = [e if isinstance(e, str) else json.dumps(e) for e in events]
    source = io.BytesIO(("\n".join(lines) + "\n").encode())
    return importing.import_events(source=source, parser=FeedReader(policy), store=register, **options)


def test_a_life_of_seven_events_builds_the_register(shipped):
    """Charter « qui sont les personnes concernées »: prospect, client, trusted person, other contact."""
    register = MemoryRegister()
    report = run(register, shipped, SCENARIO)
    assert (report.applied, report.errors, report.committed) == (7, [], True)
    kept = register.kept
    assert kept.persons == {"P1", "T1", "O1"}
    assert {(r.person_ref, r.role) for r in kept.open_roles.values()} == {
        ("P1", Role.CLIENT),
        ("O1", Role.OTHER_CONTACT),
    }
    assert [(r.person_ref, r.role, r.ended_on) for r in kept.ended_roles] == [
        ("P1", Role.PROSPECT, date(2025, 2, 1)),  # the prospect who signs becomes a client
        ("T1", Role.TRUSTED_PERSON, date(2025, 3, 1)),
    ]
    assert kept.contracts["C1"].ended_on == date(2026, 2, 1)


def test_the_same_events_again_are_counted_as_duplicates_and_change_nothing(shipped):
    """Same ids with the same content are recognised and not applied twice (docs/events.md)."""
    register = MemoryRegister()
    run(register, shipped, SCENARIO)
    before = (set(register.kept.persons), dict(register.kept.digests), list(register.kept.contact_log))
    again = run(register, shipped, SCENARIO)
    assert (again.applied, again.duplicates, again.errors, again.committed) == (0, 7, [], True)
    assert (register.kept.persons, register.kept.digests, register.kept.contact_log) == before


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('{"id": "x", "type": "contract.ended", "at": "2025-01-01", "contract": "NOPE"}', "contract"),
        ('{"id": "x", "type": "contract.ended", "at": "2024-12-31", "contract": "C1"}', "at"),
        ("{not json", "(line)"),
    ],
)
def test_one_bad_line_between_two_good_ones_applies_nothing_of_the_file(shipped, line, field):
    """A file is applied whole or not at all, whether the line alone or the register refuses it."""
    register = MemoryRegister()
    run(register, shipped, SCENARIO[:3])
    before = (set(register.kept.persons), register.commits)
    good_before = designated("g1", "2025-02-02", "S1", person("T2", first_name="Zoé"))
    good_after = registered("g2", "2025-02-05", person("O2", last_name="Noir"), "C1")
    report = run(register, shipped, [good_before, line, good_after])
    assert [(e.line, e.field) for e in report.errors] == [(2, field)]
    assert (report.committed, report.applied) == (False, 0)
    assert (register.kept.persons, register.commits) == before


def test_every_refused_line_is_listed_at_once_in_line_order(shipped):
    """The integrator fixes a 2-million-line export in one pass: every refused line is reported."""
    register = MemoryRegister()
    lines = [
        signed("a", "2025-01-01", "C9", person("P9", last_name="Nom")),
        '{"id": "b", "type": "nope", "at": "2025-01-01"}',
        ended("c", "2024-01-01", "C9"),  # before its signing, known only from line 1
        ended("d", "2025-06-01", "C404"),
    ]
    report = run(register, shipped, lines)
    assert [(e.line, e.field) for e in report.errors] == [(2, "type"), (3, "at"), (4, "contract")]
    assert register.kept.persons == set()


def test_skipping_invalid_lines_applies_the_others_and_hands_back_the_refused_with_reasons(shipped):
    """--skip-invalid: nothing is lost, the refused lines are kept with their reasons."""
    register, rejected = MemoryRegister(), []
    lines = [SCENARIO[0], ended("bad", "2025-01-01", "C404"), SCENARIO[1]]
    report = run(
        register, shipped, lines, skip_invalid=True, reject=lambda n, raw, e: rejected.append((n, raw, e))
    )
    assert (report.committed, report.applied) == (True, 2)
    assert [(n, [str(e) for e in errs]) for n, _, errs in rejected] == [
        (2, ["line 2: contract: unknown contract ref 'C404'"])
    ]
    assert len(register.kept.contact_log) == 1


def test_refs_made_in_an_earlier_chunk_are_known_to_the_later_ones(shipped, monkeypatch):
    """Memory holds one chunk at a time, yet the file is one history."""
    monkeypatch.setattr(importing, "CHUNK", 2)
    register = MemoryRegister()
    report = run(register, shipped, SCENARIO)
    assert (report.applied, report.errors) == (7, [])
    ended_roles = [(r.person_ref, r.started_on, r.ended_on) for r in register.kept.ended_roles]
    assert ended_roles == [
        ("P1", date(2025, 1, 10), date(2025, 2, 1)),
        ("T1", date(2025, 2, 2), date(2025, 3, 1)),
    ]


def test_an_error_in_the_last_chunk_rolls_back_the_chunks_already_written(shipped, monkeypatch):
    """Atomic even when the first chunks were written before the bad line was reached."""
    monkeypatch.setattr(importing, "CHUNK", 2)
    register = MemoryRegister()
    report = run(register, shipped, [*SCENARIO, ended("bad", "2026-03-01", "C1")])
    assert report.committed is False
    assert [str(e) for e in report.errors] == ["line 8: contract: 'C1' already ended on 2026-02-01"]
    assert (register.kept.persons, register.commits) == (set(), 0)


def test_the_import_is_audited_before_it_commits_and_a_refused_file_is_audited_too(shipped):
    """Brief « every access is traceable »: no import lands without its entry."""
    audit = MemoryAudit()
    auditor = Auditor(audit, audit, FixedClock(date(2026, 12, 4)), hmac_of)
    register = MemoryRegister()
    seen_at_commit = []
    register.on_commit = lambda: seen_at_commit.append(len(audit.entries))
    run(register, shipped, SCENARIO, audit=(auditor, "crm"))
    assert seen_at_commit == [1]
    refused = run(register, shipped, [ended("bad", "2025-06-01", "C404")], audit=(auditor, "crm"))
    assert refused.committed is False
    bodies = [e.detail for e in audit.entries if e.action is Action.IMPORT]
    assert [(b["applied"], b["rejected"]) for b in bodies] == [(7, 0), (0, 1)]


class _Counting:
    """A parser that refuses every odd line and counts how many lines it has parsed."""

    def __init__(self) -> None:
        self.parsed = 0

    def parse(self, raw, line):
        self.parsed += 1
        return [importing.LineError(line, "(line)", "refused")] if line % 2 else object()


def test_the_reader_keeps_at_most_a_few_chunks_of_lines_ahead_whatever_they_hold():
    """docs/events.md « bounded memory »: refused lines count toward a chunk, and the reader waits
    for the importer once AHEAD chunks are ready."""
    source = io.BytesIO(b"{}\n" * (importing.CHUNK * 20))
    parser = _Counting()
    chunks = importing._ahead(importing._checked(source, parser))
    first = next(chunks)
    assert len(first.events) + len(first.refused) == importing.CHUNK
    assert first.refused
    assert first.events
    deadline = time.monotonic() + 2  # time for the reader to run ahead as far as it would
    while time.monotonic() < deadline:
        time.sleep(0.05)
    # the first chunk, AHEAD waiting in the queue, one more being handed over: never the file
    assert parser.parsed <= importing.CHUNK * (importing.AHEAD + 2)
    assert sum(1 for c in chunks if c.events or c.refused) == 19  # (the last one closes the count)
    assert parser.parsed == importing.CHUNK * 20


def test_a_failure_in_the_reader_is_raised_in_the_importer_and_stops_the_reader():
    """The file's own failure (a read error) reaches the caller as it was, nothing left running."""

    class Broken(io.BytesIO):
        def __iter__(self):
            yield b"{}\n"
            raise OSError("the disk went away")

    with pytest.raises(OSError, match="disk went away"):
        list(importing._ahead(importing._checked(Broken(), _Counting())))
