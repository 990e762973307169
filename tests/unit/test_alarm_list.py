"""The station's waiting list: the most urgent first, how long each alarm has waited, numbers to dial."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from charte.domain.policy import AlarmKind, Alarms, Text
from charte.domain.vocabulary import Language
from charte.entrypoints.web.pages import elapsed, tel
from charte.services.alarms import AlarmSession, list_version

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
RULES = Alarms(purpose="alarm_handling", dispatch_to=(), kept_with="client", kinds={
    "fire": AlarmKind(Text({Language.FR: "Incendie", Language.EN: "Fire"}), 1),
    "intrusion": AlarmKind(Text({Language.FR: "Intrusion", Language.EN: "Intrusion"}), 2)})  # fmt: skip


def session(id_: int, kind: str, minutes_ago: int, taken_by: str | None = None) -> AlarmSession:
    return AlarmSession(id_, "S1", "C1", kind, NOW - timedelta(minutes=minutes_ago), "monitoring", taken_by)


def test_persons_before_property_then_the_longest_waiting_and_an_unknown_kind_last():
    """The policy's urgency ranks the list; within a rank, the one waiting longest comes first."""
    waiting = [
        session(1, "intrusion", 30),
        session(2, "fire", 5),
        session(3, "smoke?", 90),
        session(4, "fire", 9),
    ]
    ranked = sorted(waiting, key=lambda s: (RULES.urgency(s.kind), s.raised_at, s.id))
    assert [s.id for s in ranked] == [4, 2, 1, 3]
    assert RULES.kind_label("fire", Language.FR) == "Incendie"
    assert RULES.kind_label("smoke?", Language.FR) == "smoke?"  # shown as sent


def test_the_list_s_version_moves_when_what_it_shows_moves_and_only_then():
    """A polling screen is answered 204 while its version stands: nothing swapped, nothing read."""
    one = [session(1, "fire", 5)]
    assert list_version(one) == list_version([session(1, "fire", 6)])  # time alone: the screen counts it
    assert list_version(one) != list_version([session(1, "fire", 5, taken_by="op-2")])
    assert list_version(one) != list_version([*one, session(2, "intrusion", 1)])


def test_waiting_time_reads_in_minutes_hours_then_days():
    for minutes, fr, en in (
        (7, "7 min", "7 min"),
        (135, "2 h 15", "2 h 15"),
        (26 * 60 + 5, "1 j 2 h", "1 d 2 h"),
    ):
        at = (NOW - timedelta(minutes=minutes)).isoformat()
        assert (elapsed(at, NOW, Language.FR), elapsed(at, NOW, Language.EN)) == (fr, en)


def test_a_number_becomes_a_link_the_tablet_dials():
    """RFC 3966: digits only, a leading + kept."""
    assert tel("06 12 34 56 78") == "tel:0612345678"
    assert tel("+33 6.12.34.56.78") == "tel:+33612345678"
    assert tel(None) == ""
