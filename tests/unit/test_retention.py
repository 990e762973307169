"""Retention units: when data must go, never too early, never kept silently forever."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charte.domain.retention import (
    Contact,
    HoldRelease,
    Schedule,
    UnitStatus,
    apply_holds,
    designation_end,
    last_day_designated,
    prospect_anchor,
    schedule,
)
from charte.domain.vocabulary import ContactKind

TODAY = date(2026, 11, 26)


def rule(shipped, kind: str):
    """The rule of a unit kind: a subject category's, or the recordings' own."""
    rid = shipped.recordings.retention if kind == "recording" else shipped.subject_categories[kind].retention
    return rid, shipped.retention[rid]


class TestClientsAndContacts:
    def test_an_active_contract_keeps_its_client_data_with_no_due_date(self, shipped):
        """Seed: client data are kept for the whole term of the contract."""
        assert schedule(*rule(shipped, "client"), None, running=True) == Schedule("client", UnitStatus.ACTIVE)

    @pytest.mark.parametrize(
        ("ended", "last_day", "purge"),
        [
            (date(2021, 3, 15), date(2026, 3, 15), date(2026, 3, 16)),
            (date(2020, 2, 29), date(2025, 2, 28), date(2025, 3, 1)),  # leap day + 5 years
            (date(2021, 12, 31), date(2026, 12, 31), date(2027, 1, 1)),
        ],
    )
    def test_client_data_go_the_day_after_contract_end_plus_five_years(self, shipped, ended, last_day, purge):
        """Seed: « pendant les 5 années suivant la fin du contrat »; purge_due = retention_end + 1 day."""
        unit = schedule(*rule(shipped, "client"), ended, running=False)
        assert (unit.status, unit.retention_end, unit.purge_due) == (UnitStatus.SCHEDULED, last_day, purge)

    def test_other_contacts_follow_their_contract(self, shipped):
        """Seed: other persons, the contract concerned + 5 years."""
        unit = schedule(*rule(shipped, "other_contact"), date(2022, 1, 10), running=False)
        assert unit.purge_due == date(2027, 1, 11)


class TestProspects:
    def test_the_clock_runs_from_the_later_of_collection_and_last_inbound_contact(self, shipped):
        """Seed: 2 years from collection or last contact; the policy counts inbound contacts only (CNIL)."""
        _, r = rule(shipped, "prospect")
        contacts = [
            Contact(date(2024, 5, 1), inbound=True, answered=True),
            Contact(date(2025, 1, 10), inbound=False, answered=True),  # our call: does not restart it
        ]
        anchor = prospect_anchor(date(2024, 1, 15), contacts, r.contacts_reset_clock)
        assert anchor == date(2024, 5, 1)
        unit = schedule(*rule(shipped, "prospect"), anchor, running=False)
        assert (unit.retention_end, unit.purge_due) == (date(2026, 5, 1), date(2026, 5, 2))

    @pytest.mark.parametrize(
        ("resets", "expected"),
        [
            ((ContactKind.INBOUND,), date(2024, 3, 1)),
            ((ContactKind.INBOUND, ContactKind.OUTBOUND_ANSWERED), date(2024, 6, 1)),
            ((ContactKind.OUTBOUND,), date(2024, 9, 1)),
        ],
    )
    def test_which_contacts_restart_the_clock_is_the_policys_choice(self, resets, expected):
        contacts = [
            Contact(date(2024, 3, 1), inbound=True, answered=True),
            Contact(date(2024, 6, 1), inbound=False, answered=True),
            Contact(date(2024, 9, 1), inbound=False, answered=False),
        ]
        assert prospect_anchor(date(2024, 1, 1), contacts, resets) == expected

    def test_a_prospect_without_a_collection_date_is_listed_for_review(self, shipped):
        """Never kept silently forever: a missing anchor means review, not keep."""
        unit = schedule(
            *rule(shipped, "prospect"),
            prospect_anchor(None, [], ()),
            running=False,
            missing="no collection date",
        )
        assert (unit.status, unit.purge_due, unit.review_reason) == (
            UnitStatus.REVIEW,
            None,
            "no collection date",
        )


class TestTrustedPersons:
    def test_a_removed_trusted_person_goes_the_day_the_designation_ends(self, shipped):
        """Seed: kept only while designated — retention_end is the day before, purge_due the end date."""
        end, running = designation_end(date(2025, 3, 1), [None])
        unit = schedule(*rule(shipped, "trusted_person"), last_day_designated(end), running=running)
        assert (unit.retention_end, unit.purge_due) == (date(2025, 2, 28), date(2025, 3, 1))

    def test_a_designation_ends_when_its_site_has_no_active_contract_left(self):
        """The end is the removal, or the site no longer under any active contract."""
        assert designation_end(None, [date(2024, 1, 31), date(2025, 6, 30)]) == (date(2025, 6, 30), False)
        assert designation_end(None, [date(2024, 1, 31), None]) == (None, True)  # one contract still runs
        assert designation_end(None, []) == (None, False)  # no contract at all: review


class TestHolds:
    def test_a_hold_released_later_pushes_the_purge_to_the_day_after_release(self, shipped):
        """A held unit's purge_due = max(its normal purge_due, release + 1 day)."""
        unit = schedule(*rule(shipped, "recording"), date(2026, 5, 1), running=False)  # due 2026-11-02
        held = apply_holds(unit, [HoldRelease("LIT-1", date(2027, 2, 15))], TODAY)
        assert (held.status, held.purge_due, held.held_by) == (UnitStatus.HELD, date(2027, 2, 16), ("LIT-1",))

    def test_a_hold_with_no_known_release_keeps_the_unit_without_a_due_date(self, shipped):
        unit = schedule(*rule(shipped, "recording"), date(2026, 5, 1), running=False)
        held = apply_holds(unit, [HoldRelease("LIT-1", date(2026, 6, 1)), HoldRelease("LIT-2", None)], TODAY)
        assert (held.status, held.purge_due, held.held_by) == (UnitStatus.HELD, None, ("LIT-2",))

    def test_a_hold_released_before_the_normal_date_changes_nothing(self, shipped):
        unit = schedule(*rule(shipped, "client"), date(2022, 1, 10), running=False)
        after = apply_holds(unit, [HoldRelease("LIT-1", date(2023, 1, 1))], TODAY)
        assert (after.status, after.purge_due, after.held_by) == (UnitStatus.SCHEDULED, unit.purge_due, ())

    @given(
        anchor=st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
        releases=st.lists(
            st.none() | st.dates(min_value=date(2015, 1, 1), max_value=date(2032, 12, 31)), max_size=4
        ),
        as_of=st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31)),
    )
    def test_no_unit_under_a_hold_is_ever_due(self, shipped, anchor, releases, as_of):
        """Property: whatever the dates, a unit held on `as_of` is not due on `as_of`,
        and a hold never brings a purge earlier than the rule's own date."""
        unit = schedule(*rule(shipped, "recording"), anchor, running=False)
        holds = [HoldRelease(f"C{i}", r) for i, r in enumerate(releases)]
        after = apply_holds(unit, holds, as_of)
        if any(r is None or r >= as_of for r in releases):
            assert not after.due_by(as_of)
        if after.purge_due is not None:
            assert after.purge_due >= unit.purge_due
            assert all(r is None or after.purge_due > r for r in releases) or not holds
