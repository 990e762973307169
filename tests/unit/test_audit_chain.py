"""The audit chain's pure rules: canonical bytes, links, and when a month may be dropped."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

from charte.domain.audit import (
    Action,
    Entry,
    act_of,
    chain,
    from_record,
    genesis,
    link,
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
    (chained,) = chain([entry], {"2026-11": (41, "ab" * 32)})
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
    more = chain([second], {"2026-11": (chained[0].seq, chained[0].hash)})
    assert (more[0].seq, more[0].prev) == (2, chained[0].hash)
    assert more[0].hash == link(chained[0].hash, more[0].body)
    stored = [(c.seq, c.body, c.hash) for c in (*chained, *more)]
    assert verify_chain("2026-11", stored, None).ok
    assert not verify_chain("2026-11", stored[1:], None).ok
