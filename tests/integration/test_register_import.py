"""Importing the lifecycle event feed into the register, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from charte.adapters.db import tables
from charte.services import importing
from charte.services.queries import Listed, PersonFilter
from tests.conftest import count_rows, raw_person, run_import
from tests.feed import SCENARIO, designated, ended, person, registered, signed


def roles_of(app, ref: str) -> list[tuple]:
    view = raw_person(app, ref)
    return [(r["role"], r["contract"] or r["site"], r["started_on"], r["ended_on"]) for r in view["roles"]]


class TestEveryEventType:
    def test_a_scenario_with_every_event_type_builds_the_register(self, app):
        """Every event type imports; roles keep their provenance; a prospect who signs becomes a client."""
        report = run_import(app, SCENARIO)
        assert (report.applied, report.errors, report.committed) == (7, [], True)
        assert roles_of(app, "P1") == [
            ("prospect", "S1", "2025-01-10", "2025-02-01"),
            ("client", "C1", "2025-02-01", None),
        ]
        assert roles_of(app, "T1") == [("trusted_person", "S1", "2025-02-02", "2025-03-01")]
        assert roles_of(app, "O1") == [("other_contact", "C1", "2025-02-03", None)]
        p1 = raw_person(app, "P1")
        assert p1["roles"][0]["source"] == {"kind": "partner", "ref": "BANQUE-X"}
        assert p1["contracts"] == [
            {"ref": "C1", "offer": "Essentiel", "site": "S1", "partner": None, "prescriber": None,
             "signed_on": "2025-02-01", "ended_on": "2026-02-01"}
        ]  # fmt: skip
        assert p1["contact_log"] == [
            {
                "on": "2025-01-12",
                "direction": "inbound",
                "channel": "phone",
                "answered": True,
                "outcome": "interested",
            }
        ]
        assert p1["sites"] == [
            {
                "ref": "S1",
                "fields": {
                    "access_instructions": "code 4321, clé chez la voisine",
                    "site_address": "1 rue des Lilas",
                },
            }
        ]

    def test_fields_are_attributed_to_the_roles_that_justify_them(self, app):
        """Each stored field is attributed to the role(s) that justify it; a prospect's
        data carried into the client role stay justified when the prospect role ends."""
        run_import(app, SCENARIO)
        p1 = raw_person(app, "P1")
        assert p1["field_sources"] == {
            "email": ["client"],
            "first_name": ["client", "prospect"],
            "last_name": ["client", "prospect"],
            "phone": ["client", "prospect"],
        }
        assert raw_person(app, "T1")["field_sources"] == {
            "first_name": ["trusted_person"],
            "phone": ["trusted_person"],
        }

    def test_access_instructions_are_encrypted_at_rest(self, app):
        """Alarm codes and key holders are stored encrypted, with a key outside the database."""
        run_import(app, SCENARIO)
        with app.engine.connect() as conn:
            stored = conn.execute(
                select(tables.site_fields.c.value).where(tables.site_fields.c.field == "access_instructions")
            ).scalar_one()
        assert stored.startswith("enc:v1:")
        assert "4321" not in stored

    def test_a_person_object_for_a_known_ref_rectifies_and_null_erases(self, app):
        """An object for a known ref updates the fields it gives; a field given as null is erased."""
        run_import(app, SCENARIO)
        rectify = designated("e8", "2025-04-01", "S1", person("T1", phone="0799999999", first_name=None))
        assert run_import(app, [rectify]).errors == []
        view = raw_person(app, "T1")
        assert view["fields"] == {"phone": "0799999999"}
        assert view["field_sources"] == {"phone": ["trusted_person"]}
        assert roles_of(app, "T1")[-1] == ("trusted_person", "S1", "2025-04-01", None)


class TestIdempotence:
    def test_reimporting_the_same_events_changes_nothing_and_says_so(self, app):
        """Same ids with the same content are recognised and not applied twice."""
        run_import(app, SCENARIO)
        before = count_rows(app)
        again = run_import(app, SCENARIO)
        assert (again.applied, again.duplicates, again.errors, again.committed) == (0, 7, [], True)
        assert count_rows(app) == before

    def test_a_file_repeating_an_event_applies_it_once(self, app):
        """A line repeated in the same file (same id, same content) is a duplicate, not an error."""
        report = run_import(app, [SCENARIO[0], SCENARIO[0]])
        assert (report.applied, report.duplicates, report.errors) == (1, 1, [])


class TestRefusals:
    """Every bad line is listed as `line N: field: what`; nothing of the file is applied."""

    CASES = (
        ('{"id": "x", "type": "alarm.fired", "at": "2025-01-01"}', "type", "unknown event type 'alarm.fired'"),
        ('{"id": "x", "type": "contract.ended", "at": "2025-01-01"}', "contract", "missing"),
        ('{"id": "x", "type": "contract.ended", "at": "2025-01-01", "contract": "NOPE"}', "contract",
         "unknown contract ref 'NOPE'"),
        ('{"id": "x", "type": "prospect.contacted", "at": "2025-01-01", "person": "GHOST", "direction": "inbound", '
         '"answered": true}', "person", "unknown person ref 'GHOST'"),
        ('{"id": "x", "type": "trusted_person.designated", "at": "2025-01-01", "site": "S1", "source": {"kind": '
         '"client"}, "person": {"ref": "T9", "birth_date": "1980-02-02"}}', "person.birth_date",
         "field not allowed for the role trusted_person"),
        ('{"id": "x", "type": "contract.ended", "at": "2025-02-30", "contract": "C1"}', "at", "not a calendar date"),
        ('{"id": "x", "type": "contract.ended", "at": "2025-03-01T10:00:00", "contract": "C1"}', "at",
         "no UTC offset: ambiguous"),
        ('{"id": "x", "type": "contract.ended", "at": "2024-12-31", "contract": "C1"}', "at",
         "2024-12-31 is before the contract was signed (2025-02-01)"),
        ('{"id": "e3", "type": "contract.ended", "at": "2025-06-01", "contract": "C1"}', "id",
         "'e3' was already used for a different event"),
        ("{not json", "(line)", "invalid JSON"),
    )  # fmt: skip

    @pytest.mark.parametrize(("line", "field", "words"), CASES)
    def test_a_bad_line_is_named_and_nothing_of_the_file_is_applied(self, app, line, field, words):
        run_import(app, SCENARIO[:3])
        before = count_rows(app)
        # The bad line sits between two good ones: neither good one may be applied.
        good_before = designated("g1", "2025-02-02", "S1", person("T2", first_name="Zoé"))
        good_after = registered("g2", "2025-02-05", person("O2", last_name="Noir"), "C1")
        report = run_import(app, [good_before, line, good_after])
        assert [(e.line, e.field) for e in report.errors] == [(2, field)]
        assert words in report.errors[0].message
        assert (report.committed, report.applied) == (False, 0)
        assert count_rows(app) == before

    def test_every_bad_line_of_a_file_is_listed(self, app):
        """All refused lines are reported at once, whether the line alone or the register refuses them."""
        lines = [
            signed("a", "2025-01-01", "C9", person("P9", last_name="Nom")),
            '{"id": "b", "type": "nope", "at": "2025-01-01"}',
            ended("c", "2024-01-01", "C9"),  # before its signing, known only from line 1
            ended("d", "2025-06-01", "C404"),
        ]
        report = run_import(app, lines)
        assert [str(e) for e in report.errors] == [
            "line 2: type: unknown event type 'nope'; expected one of prospect.collected, prospect.contacted, "
            "contract.signed, contract.ended, trusted_person.designated, trusted_person.removed, contact.registered, "
            "consent.given, consent.withdrawn, litigation.opened, litigation.judgment, litigation.served, litigation.appealed, litigation.closed, "
            "call.recorded, call.transcribed, alarm.raised",
            "line 3: at: 2024-01-01 is before the contract was signed (2025-01-01)",
            "line 4: contract: unknown contract ref 'C404'",
        ]
        assert count_rows(app)["persons"] == 0

    def test_messages_name_fields_and_refs_never_personal_values(self, app):
        """Brief: personal data never leak into error messages beyond references."""
        bad = designated("x", "2025-01-01", "S404", person("T1", first_name="Ségolène", phone="0611223344"))
        bad["person"]["birth_date"] = "1970-01-01"
        report = run_import(app, [bad])
        text = " ".join(str(e) for e in report.errors)
        for value in ("Ségolène", "0611223344", "1970"):
            assert value not in text
        assert "person.birth_date" in text


class TestSkipInvalid:
    def test_valid_lines_are_applied_and_refused_ones_kept_with_their_reasons(self, app):
        """--skip-invalid applies the valid lines and hands back the rejected ones, so nothing is lost."""
        rejected = []
        lines = [SCENARIO[0], ended("bad", "2025-01-01", "C404"), SCENARIO[1]]
        report = run_import(
            app, lines, skip_invalid=True, reject=lambda n, raw, errs: rejected.append((n, raw, errs))
        )
        assert (report.committed, report.applied) == (True, 2)
        assert [(n, [str(e) for e in errs]) for n, _, errs in rejected] == [
            (2, ["line 2: contract: unknown contract ref 'C404'"])
        ]
        assert b'"C404"' in rejected[0][1]
        assert count_rows(app)["contact_log"] == 1


class TestChunks:
    def test_state_carries_across_chunks_of_one_file(self, app, monkeypatch):
        """Memory holds one chunk; refs created in an earlier chunk are known to later ones."""
        monkeypatch.setattr(importing, "CHUNK", 2)
        report = run_import(app, SCENARIO)
        assert (report.applied, report.errors) == (7, [])
        assert roles_of(app, "T1") == [("trusted_person", "S1", "2025-02-02", "2025-03-01")]

    def test_a_late_error_rolls_back_chunks_already_written(self, app, monkeypatch):
        """A file is atomic even when its first chunks were written before the bad line was reached."""
        monkeypatch.setattr(importing, "CHUNK", 2)
        report = run_import(app, [*SCENARIO, ended("bad", "2026-03-01", "C1")])
        assert report.committed is False
        assert [str(e) for e in report.errors] == ["line 8: contract: 'C1' already ended on 2026-02-01"]
        assert count_rows(app)["persons"] == 0


class TestReading:
    def test_persons_are_listed_with_filters_and_pages(self, app):
        """`persons list` filters by role, source and site, a page at a time."""
        run_import(app, SCENARIO)
        queries = app.register_queries()

        def refs(**criteria):
            return [p.ref for p in queries.persons(PersonFilter(**criteria))[1]]

        assert refs() == ["O1", "P1", "T1"]
        assert refs(role="trusted_person") == ["T1"]
        assert refs(source="partner") == ["P1"]
        assert refs(site="S1") == ["O1", "P1", "T1"]
        assert refs(limit=1, offset=1) == ["P1"]
        total, page = queries.persons(PersonFilter(limit=2))
        assert total == 3
        assert page[1] == Listed("P1", ("client",))


def test_an_import_is_audited_before_it_commits_so_that_no_import_lands_unaudited(app):
    """Brief « every access is traceable »; a crash between the import's commit and its
    audit entry would leave an unaudited change — the entry is written first, whatever follows."""
    from contextlib import contextmanager

    from charte.adapters.db.audit_store import AuditFilter
    from charte.services.importing import import_events

    real = app.register_store()

    class PowerCut:
        """The real store, whose commit never happens (the process dies at that instant)."""

        @contextmanager
        def importing(self):
            with real.importing() as writer:

                def cut() -> None:
                    raise RuntimeError("power cut")

                writer.commit = cut
                yield writer

    source = io.BytesIO(
        (json.dumps(signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux"))) + "\n").encode()
    )
    with pytest.raises(RuntimeError, match="power cut"):
        import_events(
            source=source, parser=app.feed_reader(), store=PowerCut(), audit=(app.auditor, "crm-feed")
        )
    assert count_rows(app)["persons"] == 0
    entries = app.audit_store().search(AuditFilter(actor="crm-feed"))
    assert [(e["action"], e["detail"]["applied"]) for e in entries] == [("import", 1)]  # the attempt stands


def test_a_consent_withdrawn_through_the_feed_is_recorded_and_only_for_a_purpose_resting_on_consent(app):
    """GDPR Art. 7(3): the CRM reports an unsubscribe; a purpose on another basis has no consent to
    withdraw (the line is refused naming `purpose`)."""
    run_import(app, SCENARIO[:1])
    line = {
        "id": "w1",
        "type": "consent.withdrawn",
        "at": "2025-02-01",
        "person": "P1",
        "purpose": "prospecting",
    }
    (refused,) = run_import(app, [{**line, "id": "w0", "purpose": "service_improvement"}]).errors
    assert (refused.field, refused.message) == (
        "purpose",
        "'service_improvement' does not rest on consent (its basis: legitimate_interest): no consent to give "
        "or withdraw",
    )
    report = run_import(app, [line])  # prospecting rests on consent (CPCE L34-5, L223-1)
    assert (report.applied, report.errors) == (1, [])
    with app.engine.connect() as conn:
        rows = conn.execute(select(tables.oppositions.c.person_ref, tables.oppositions.c.purpose)).all()
    assert [tuple(r) for r in rows] == [("P1", "prospecting")]


class TestLostConnection:
    """docs/events.md, "Retrying": what an import cut by a lost database connection says is true."""

    @staticmethod
    def lost() -> Exception:
        from sqlalchemy.exc import DBAPIError

        cause = ConnectionError("server closed the connection unexpectedly")
        return DBAPIError("COMMIT", {}, cause, connection_invalidated=True)

    def test_cut_before_its_commit_nothing_was_applied_and_it_says_so(self, app, monkeypatch):
        """All or nothing: the transaction died with its connection."""
        from charte.adapters.db.register_store import _Writer
        from charte.services.errors import DatabaseLost

        lost = self.lost()

        def cut(self, chunk):  # type: ignore[no-untyped-def]
            raise lost

        monkeypatch.setattr(_Writer, "write", cut)
        with pytest.raises(DatabaseLost, match="nothing was applied"):
            run_import(app, SCENARIO)
        rows = count_rows(app)
        assert (rows["events"], rows["persons"], rows["roles"]) == (0, 0, 0)

    def test_cut_while_committing_it_says_it_cannot_tell_and_the_retry_applies_nothing_twice(
        self, app, monkeypatch
    ):
        """The server may have committed before the answer was lost: never claim nothing was applied."""
        from charte.adapters.db.register_store import _Writer
        from charte.services.errors import DatabaseLost

        committing, lost = _Writer.commit, self.lost()

        def committed_then_lost(self):  # type: ignore[no-untyped-def]
            committing(self)
            raise lost

        monkeypatch.setattr(_Writer, "commit", committed_then_lost)
        with pytest.raises(DatabaseLost, match="charte cannot tell which") as told:
            run_import(app, SCENARIO)
        assert "nothing was applied" not in str(told.value)
        monkeypatch.undo()
        again = run_import(app, SCENARIO)
        assert (again.applied, again.duplicates) == (0, len(SCENARIO))
