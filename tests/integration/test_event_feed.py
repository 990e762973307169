"""Reading event lines: what one line alone can tell (docs/events.md; §2)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from charte.adapters.event_feed import MAX_LINE_BYTES, FeedReader
from charte.domain.register import ContractSigned, LineError, ProspectCollected
from tests.feed import collected, designated, person, signed


@pytest.fixture(scope="module")
def reader(shipped) -> FeedReader:
    return FeedReader(shipped)


def errors(reader: FeedReader, line: bytes | str | dict) -> list[str]:
    raw = json.dumps(line) if isinstance(line, dict) else line
    parsed = reader.parse(raw, 1)
    assert isinstance(parsed, list), "expected the line to be refused"
    return [f"{e.field}: {e.message}" for e in parsed]


def test_calendar_dates_are_europe_paris_days(reader):
    """`at` may be an instant with offset; its day is the Paris calendar day."""
    late_utc = signed("e", "2025-03-30T23:30:00Z", "C1", person("P1"))  # 01:30 on the 31st in Paris (CEST)
    event = reader.parse(json.dumps(late_utc), 7)
    assert isinstance(event, ContractSigned)
    assert (event.env.on, event.env.line) == (date(2025, 3, 31), 7)


def test_the_digest_ignores_key_order(reader):
    """Re-sent events are recognised by content, whatever order the sender wrote the keys in."""
    one = collected("e", "2025-01-01", person("P1", first_name="A"))
    other = dict(reversed(list(one.items())))
    a, b = reader.parse(json.dumps(one), 1), reader.parse(json.dumps(other), 1)
    assert isinstance(a, ProspectCollected)
    assert isinstance(b, ProspectCollected)
    assert a.env.digest == b.env.digest


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (collected("e", "2025-01-01", person("P1"), source={"kind": "client"}),
         ["source.kind: 'client' is not a source of the role prospect (policy: subject, partner, referral)"]),
        (collected("e", "2025-01-01", person("P1"), source={"kind": "referral"}),
         ["source.ref: required for a source of kind referral"]),
        (collected("e", "2025-01-01", person("P1", shoe_size="42")),
         ["person.shoe_size: unknown field (not declared in the policy)"]),
        (collected("e", "2025-01-01", person("P1", iban="FR76...")),
         ["person.iban: field not allowed for the role prospect (policy allow-list)"]),
        (collected("e", "2025-01-01", person("P1", phone=612345678)),
         ["person.phone: expected a string, or null to erase; got a number"]),
        (collected("e", "2025-01-01", {"first_name": "A"}), ["person.ref: missing or not a non-empty string"]),
        ({**collected("e", "2025-01-01", "P1"), "color": "red"}, ["color: unknown key"]),
        ({"id": "", "type": "contract.ended", "at": "2025-01-01", "contract": "C"},
         ["id: missing or not a non-empty string"]),
        ({"id": "e", "type": "contract.ended", "at": 20250101, "contract": "C"},
         ["at: a number, not a string; expected YYYY-MM-DD or an ISO 8601 datetime with offset"]),
        ({"id": "e", "type": "prospect.contacted", "at": "2025-01-01", "person": "P", "direction": "sideways",
          "answered": "yes"},
         ["direction: 'sideways' is not one of inbound, outbound", "answered: missing or not true/false"]),
        ({"id": "e", "type": "trusted_person.designated", "at": "2025-01-01", "site": "S", "person": "T",
          "source": {"kind": "client"}, "rank": 0}, ["rank: expected a whole number from 1 (the call order)"]),
        ("[]", ["(line): an event is a JSON object, not an array"]),
        (b"\xff\xfe{}", ["(line): not UTF-8 (byte 0)"]),
        ("[" * 100_000 + "]" * 100_000, ["(line): JSON nested too deeply"]),
        ("x" * (MAX_LINE_BYTES + 1), [f"(line): longer than {MAX_LINE_BYTES} bytes"]),
    ],
)  # fmt: skip
def test_a_bad_line_gets_a_message_naming_the_field(reader, line, expected):
    """Unknown type, missing field, field not allowed for the role, bad date, ... each named."""
    assert errors(reader, line) == expected


def test_a_policy_without_the_role_refuses_its_events(minimal):
    """The feed's roles are subject categories of the policy; a policy without one says so."""
    reader = FeedReader(minimal)
    parsed = reader.parse(json.dumps(designated("e", "2025-01-01", "S", person("T"))), 3)
    assert parsed == [LineError(3, "person", "the policy has no subject category 'trusted_person'")]
    parsed = reader.parse(json.dumps(signed("e", "2025-01-01", "C", person("P"))), 4)
    assert parsed == [LineError(4, "contract.offer", "unknown field (not declared in the policy)")]
