"""The audit chain's pure rules: canonical bytes, links, and when a month may be dropped."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from charte.domain.audit import (
    Action,
    Checkpoint,
    CheckpointBehind,
    Entry,
    act_of,
    chain,
    checkpoint_sequence_break,
    from_record,
    genesis,
    link,
    next_checkpoint,
    period_purge_due,
    verify_chain,
)
from charte.domain.durations import Duration

AT = datetime(2026, 11, 26, 11, 0, tzinfo=UTC)


def test_a_month_goes_whole_the_day_after_its_last_day_plus_the_retention():
    """Policy audit.retention (P1Y, CNIL délibération 2021-122): no entry is dropped early."""
    assert period_purge_due("2025-12", Duration(years=1)) == date(2027, 1, 1)
    assert period_purge_due("2024-02", Duration(years=1)) == date(2025, 3, 1)  # 29 Feb 2024 + 1 year
    assert period_purge_due("2026-01", Duration(months=6)) == date(2026, 8, 1)


def test_a_spooled_entry_is_recognised_in_the_chain_by_its_bytes_without_its_place():
    """An entry is chained once: the spooled copy of a chained entry has the same act, another act not."""
    entry = Entry(at=AT, actor="opérateur-ł", action=Action.READ, purpose="alarm_handling",
                  context="alarm_session:4", detail={"shown": 2})  # fmt: skip
    (chained,) = chain([entry], {("2026-11", ""): (41, "ab" * 32)})
    spooled = from_record(json.loads(json.dumps(entry.record(), ensure_ascii=False)))
    assert act_of(chained.body) == spooled.act() == entry.act()
    other = Entry(at=AT + timedelta(microseconds=1), actor="opérateur-ł", action=Action.READ,
                  purpose="alarm_handling", context="alarm_session:4", detail={"shown": 2})  # fmt: skip
    assert other.act() != entry.act()


def test_the_canonical_bytes_are_stable_and_hold_no_clear_ref():
    """SHA-256 over a canonical serialisation; subjects only as keyed HMACs."""
    entry = Entry(at=AT, actor="alice", action=Action.READ, role="dpo", purpose="rights_handling",
                  subject="ab" * 32, fields=("phone", "email"))  # fmt: skip
    body = entry.canonical(7)
    assert body == entry.canonical(7)
    assert b'"fields":["email","phone"]' in body  # sorted
    assert b'"seq":7' in body
    assert b" " not in body.replace(b"alice", b"")


def test_the_canonical_bytes_are_exactly_the_documented_form_in_utc_whatever_the_time_zone():
    """The bytes hashed are fixed (docs/access.md): a time given in Paris is written in UTC to the
    microsecond, its period the UTC month (31 Dec 23:30 in Paris is 22:30 UTC, still December)."""
    paris = timezone(timedelta(hours=1))
    entry = Entry(at=datetime(2026, 12, 31, 23, 30, tzinfo=paris), actor="bob", action=Action.ERASE,
                  context="rule:r1", subject="cd" * 32, detail={"unit": "client", "n": 2})  # fmt: skip
    assert entry.period == "2026-12"
    assert entry.canonical(3) == (
        b'{"action":"erase","actor":"bob","at":"2026-12-31T22:30:00.000000+00:00","context":"rule:r1",'
        b'"decision":"allowed","detail":{"n":2,"unit":"client"},"fields":[],"period":"2026-12",'
        b'"purpose":null,"role":null,"seq":3,"subject":"' + b"cd" * 32 + b'"}'
    )
    later = Entry(at=datetime(2027, 1, 1, 0, 30, tzinfo=paris), actor="bob", action=Action.ERASE)
    assert later.period == "2026-12"  # 23:30 UTC on 31 December


def test_chaining_continues_each_period_after_its_head_and_verification_walks_it():
    """Each entry chained with the previous hash, one chain per period."""
    first, second = (Entry(at=AT, actor=a, action=Action.READ) for a in ("a", "b"))
    chained = chain([first], {})
    assert chained[0].prev == genesis("2026-11")
    more = chain([second], {("2026-11", ""): (chained[0].seq, chained[0].hash)})
    assert (more[0].seq, more[0].prev) == (2, chained[0].hash)
    assert more[0].hash == link(chained[0].hash, more[0].body)
    stored = [(c.seq, c.body, c.hash) for c in (*chained, *more)]
    assert verify_chain("2026-11", stored, None).ok
    assert not verify_chain("2026-11", stored[1:], None).ok


def test_each_writer_has_a_chain_of_its_own_and_the_shared_chain_keeps_its_bytes():
    """One chain per (period, writer): a serving process never waits on another's head; the shared
    chain's entries have no writer in their bytes (every entry written before them verifies)."""
    shared, mine, theirs = (
        Entry(at=AT, actor="a", action=Action.READ, writer=w) for w in ("", "srv-1", "srv-2")
    )
    out = chain([shared, mine, theirs, mine], {})
    assert [(c.writer, c.seq) for c in out] == [("", 1), ("srv-1", 1), ("srv-2", 1), ("srv-1", 2)]
    assert b"writer" not in out[0].body
    assert b'"writer":"srv-1"' in out[1].body
    assert len({genesis("2026-11"), genesis("2026-11", "srv-1"), genesis("2026-11", "srv-2")}) == 3
    assert (out[1].prev, out[3].prev) == (genesis("2026-11", "srv-1"), out[1].hash)
    stored = [(c.seq, c.body, c.hash) for c in out if c.writer == "srv-1"]
    assert verify_chain("2026-11", stored, None, "srv-1").ok
    assert not verify_chain("2026-11", stored, None).ok  # not the shared chain: another genesis


def test_an_entry_moved_to_another_chain_no_longer_verifies():
    """The writer is in the bytes the hash covers: moving an entry between chains shows."""
    (c,) = chain([Entry(at=AT, actor="a", action=Action.READ, writer="srv-1")], {})
    moved = c.body.replace(b'"writer":"srv-1"', b'"writer":"srv-2"')
    verdict = verify_chain("2026-11", [(1, moved, c.hash)], None, "srv-2")
    assert not verdict.ok
    assert verdict.why.startswith("chain srv-2: its hash does not match")


def test_a_checkpoint_pins_every_chain_so_one_deleted_whole_is_found():
    """GDPR Art. 5(2): the signed checkpoint lists each chain's head; a chain gone is a cut."""
    heads = {"": (3, "a" * 64), "srv-1": (5, "b" * 64), "srv-2": (2, "c" * 64)}
    first = next_checkpoint(None, "2026-11", heads, "2026-11-26T10:00:00+00:00")
    assert first is not None
    assert first.heads() == heads
    assert b'"writers": [["srv-1", 5, ' in first.message()
    assert next_checkpoint(first, "2026-11", heads, "2026-11-26T10:01:00+00:00") is None  # pinned already
    gone = {w: h for w, h in heads.items() if w != "srv-2"}
    with pytest.raises(CheckpointBehind, match="period 2026-11, chain srv-2: the chain's head"):
        next_checkpoint(first, "2026-11", gone, "2026-11-26T10:02:00+00:00")
    verdict = verify_chain("2026-11", [], first, "srv-2")  # what verification finds of it
    assert (verdict.ok, verdict.seq) == (False, 1)
    assert (
        verdict.why
        == "chain srv-2: the chain ends at entry 0, before the signed checkpoint at entry 2: its tail was deleted"
    )
    later = next_checkpoint(first, "2026-11", {**heads, "srv-3": (1, "d" * 64)}, "2026-11-26T10:03:00+00:00")
    assert later is not None
    assert checkpoint_sequence_break("2026-11", [first, later]) is None
    behind = Checkpoint("2026-11", 3, "a" * 64, "t", 2, first.digest, (("srv-1", 4, "e" * 64),))
    assert (
        checkpoint_sequence_break("2026-11", [first, behind])
        == "checkpoint 2 of 2026-11 does not follow checkpoint 1"
    )
