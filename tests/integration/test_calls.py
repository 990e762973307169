"""Calls and recordings on SQLite and PostgreSQL: the decision, sealed audio and
transcripts, crypto-shredding, retention with holds, objections, and gated, audited listening."""

from __future__ import annotations

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from charte.adapters.db import tables
from charte.entrypoints.web import app as web
from charte.services import answers, calls, identity, rights
from charte.services.access import AccessDenied, Reader
from charte.services.retention import sweep
from tests.conftest import TODAY, bearer, run_import, token
from tests.feed import call, person, signed, transcribed

AUDIO = b"RIFF....WAVEfmt " + bytes(range(256)) * 400  # ~100 KB standing for a call's audio
TEXT = "bonjour je vous appelle pour mon alarme au 12 rue des Lilas mon numéro est le 06 12 34 56 78"


def drop_audio(app, name: str = "c1.wav", data: bytes = AUDIO) -> None:
    inbox = app.settings.inbox_dir
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / name).write_bytes(data)


def recorded(app, ref: str = "CALL-1", at: str = "2026-11-20T10:00:00+01:00", **extra) -> dict:
    """A recorded call with its audio and transcript, imported and sealed."""
    drop_audio(app)
    report = run_import(
        app, [call(f"e-{ref}", at, ref, audio="c1.wav", **extra), transcribed(f"t-{ref}", at, ref, TEXT)]
    )
    assert report.committed, report.errors
    assert app.calls().ingest_pending(app.settings.inbox_dir) == 1
    return app.calls().call(ref)


def desk(app) -> calls.CallDesk:
    return app.call_desk()


def listen(app, role: str, purpose: str, ref: str = "CALL-1") -> bytes:
    return b"".join(calls.play(desk(app), Reader(f"{role}-1", role, purpose), ref))


def test_a_recorded_call_is_sealed_audio_and_text_and_its_plaintext_leaves_no_trace(app):
    """Audio and transcripts encrypted each with its own key, outside the database."""
    found = recorded(app)
    assert (found.audio, found.audio_bytes, found.transcript) == (True, len(AUDIO), True)
    assert not (app.settings.inbox_dir / "c1.wav").exists()  # plaintext audio does not linger
    blobs = list((app.settings.home / "recordings").iterdir())
    names = sorted(b.name for b in blobs)
    assert names[0] == f"audio-{found.id}"
    assert names[1].startswith(f"transcript-{found.id}-")
    assert len(names) == 2
    assert all(AUDIO[:64] not in b.read_bytes() and b"rue des Lilas" not in b.read_bytes() for b in blobs)
    with app.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(tables.calls)).mappings()]
    assert "rue des Lilas" not in json.dumps(rows, default=str)
    assert (rows[0]["number"], rows[0]["retention_end"], rows[0]["purge_due"]) == (
        "0612345678",
        date(2027, 5, 20),  # six months from the call's day (charter)
        date(2027, 5, 21),
    )
    assert listen(app, "quality_reviewer", "quality_monitoring") == AUDIO
    assert (
        calls.transcript(desk(app), Reader("q", "quality_reviewer", "quality_monitoring"), "CALL-1") == TEXT
    )


def test_an_erased_recording_cannot_be_read_from_a_restored_database_and_audio_backup(app):
    """Crypto-shredding — a database backup plus an audio backup, restored, decrypt nothing."""
    found = recorded(app, at="2026-05-10T09:00:00+02:00")  # purge due 2026-11-11: past
    blob = app.settings.home / "recordings" / f"audio-{found.id}"
    audio_backup = blob.read_bytes()
    with app.engine.connect() as conn:
        database_backup = [dict(r) for r in conn.execute(select(tables.calls)).mappings()]
    data_key = app.vault.keyring.get(f"audio-{found.id}")
    report = sweep(sweeper=app.eraser(), as_of=TODAY, today=TODAY)
    assert report.recordings_erased == 1
    assert app.calls().call("CALL-1") is None
    assert list((app.settings.home / "recordings").iterdir()) == []
    assert list(app.settings.keyring_dir.iterdir()) == []
    # Restore both backups as they were before the sweep.
    blob.write_bytes(audio_backup)
    with app.engine.begin() as conn:
        conn.execute(insert(tables.calls), database_backup)
    assert data_key not in audio_backup
    assert data_key.hex() not in json.dumps(database_backup, default=str)
    with pytest.raises(Exception, match="key was destroyed"):
        listen(app, "quality_reviewer", "quality_monitoring")


def test_the_sweep_erases_recordings_six_months_on_but_not_those_a_hold_keeps(app):
    """Charter: six months, "sauf en cas de contentieux ... jusqu'à l'expiration des voies de recours"."""
    recorded(app, "OLD", at="2026-05-10T09:00:00+02:00")
    recorded(app, "HELD", at="2026-05-10T09:30:00+02:00")
    recorded(app, "NEW", at="2026-11-20T10:00:00+01:00")
    run_import(app, [{"id": "j1", "type": "litigation.opened", "at": "2026-06-01",
                      "case": {"ref": "LIT-1", "kind": "civil", "calls": ["HELD"]}}])  # fmt: skip
    held = app.calls().call("HELD")
    assert (held.status, held.purge_due, held.held_by) == ("held", None, ("LIT-1",))
    preview = sweep(sweeper=app.eraser(), as_of=TODAY, today=TODAY, dry_run=True)
    assert preview.recordings_erased == 1
    assert app.calls().call("OLD") is not None  # a dry run erases nothing
    assert sweep(sweeper=app.eraser(), as_of=TODAY, today=TODAY).recordings_erased == 1
    assert [r for r in ("OLD", "HELD", "NEW") if app.calls().call(r)] == ["HELD", "NEW"]
    with app.engine.connect() as conn:
        proof = conn.execute(select(tables.erasure_proofs.c.unit, tables.erasure_proofs.c.rule)).all()
    assert [tuple(p) for p in proof] == [("recording", "recording")]
    again = run_import(app, [call("e-OLD", "2026-05-10T09:00:00+02:00", "OLD", audio="c1.wav")])
    assert (again.applied, again.duplicates) == (0, 1)  # the old event is no resurrection
    replay = run_import(app, [call("e-OLD-2", "2026-05-10T09:00:00+02:00", "OLD")])
    assert (replay.applied, replay.skipped_erased) == (0, 1)


def test_a_hold_on_the_caller_keeps_their_recordings(app):
    """Charter: litigation keeps the recordings of the person it names, as it keeps their other data."""
    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux"))])
    recorded(app, at="2026-05-10T09:00:00+02:00", person="P1")
    run_import(app, [{"id": "j1", "type": "litigation.opened", "at": "2026-06-01",
                      "case": {"ref": "LIT-2", "kind": "civil", "persons": ["P1"]}}])  # fmt: skip
    assert app.calls().call("CALL-1").held_by == ("LIT-2",)
    assert sweep(sweeper=app.eraser(), as_of=TODAY, today=TODAY).recordings_erased == 0


def test_listening_is_for_the_policy_s_listeners_and_purposes_and_every_attempt_is_audited(app):
    """Charter: recordings "destinés aux seules personnes habilitées"; each playback traced."""
    recorded(app)
    for role, purpose in (
        ("trainer", "staff_training"),
        ("legal", "dispute_evidence"),
        ("dpo", "rights_handling"),
    ):
        assert listen(app, role, purpose) == AUDIO
    for role, purpose in (
        ("sales", "prospecting"),
        ("quality_reviewer", "staff_training"),
        ("station_operator", "alarm_handling"),
    ):
        with pytest.raises(AccessDenied):
            listen(app, role, purpose)
    a = tables.audit_entries.c
    with app.audit_engine.connect() as conn:
        bodies = [json.loads(b) for b in conn.execute(select(a.body).where(a.action == "read")).scalars()]
    assert [(b["role"], b["decision"].split(":")[0]) for b in bodies] == [
        ("trainer", "allowed"), ("legal", "allowed"), ("dpo", "allowed"),
        ("sales", "denied"), ("quality_reviewer", "denied"), ("station_operator", "denied"),
    ]  # fmt: skip
    assert all(
        b["fields"] == ["call_audio"] and b["subject"] == app.auditor.subject("call", "CALL-1")
        for b in bodies
    )
    assert "CALL-1" not in json.dumps(bodies)


def test_an_objection_to_recording_stops_recording_erases_unused_recordings_and_narrows_the_rest(app):
    """Charter and GDPR Art. 21(1): after an objection, no new recording; old ones erased unless held
    or in use for rights handling or fraud control — and then used for those purposes only."""
    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux", phone="06 12 34 56 78",
                                                          email="ana@example.org"))])  # fmt: skip
    recorded(app, "A", person="P1")
    recorded(app, "B", person="P1")
    calls.keep_for(desk(app), ref="B", purposes=["fraud_control"], role="legal", actor="maitre-x")
    d = app.rights_desk("dpo-anne", "dpo")
    request = rights.open_request(d, type_="opposition", received_on=TODAY, channel="post", claimed_name="Ana Roux",
                                  contact="ana@example.org", person="P1", purpose="quality_monitoring")  # fmt: skip
    identity.attach_document(d, request["id"], b"%PDF-1.4 identity")
    identity.verify(d, request["id"], "document")
    done = answers.fulfil(d, request["id"])
    assert (done["recordings_erased"], done["recordings_kept"]) == (1, 1)
    assert app.calls().call("A") is None
    assert listen(app, "legal", "fraud_control", "B") == AUDIO
    with pytest.raises(AccessDenied, match="objected"):
        listen(app, "quality_reviewer", "quality_monitoring", "B")
    later = calls.decision(desk(app), number="0612345678", direction="inbound", at=app.clock.now(), call="X1")
    assert (later["record"], later["live_listening"], later["why"]) == (False, False, ["objected"])


def test_the_telephony_asks_the_decision_reports_the_opt_out_key_and_uploads_audio_over_http(app):
    """POST /api/v1/calls/decide, /opt-out and /{ref}/audio, for the telephony only."""
    telephony = bearer(token(app, "pbx", system="telephony"))
    with TestClient(web.create_app(app)) as http:
        body = {"number": "+33 6 98 76 54 32", "direction": "inbound", "at": "2026-11-26T09:00:00+01:00"}
        answers_seen = {
            http.post("/api/v1/calls/decide", headers=telephony, json=body | {"call": f"C{n}"}).json()["why"][
                0
            ]
            for n in range(40)
        }
        assert answers_seen == {"sampled", "not_sampled"}
        naive = http.post(
            "/api/v1/calls/decide", headers=telephony, json=body | {"at": "2026-11-26T09:00:00"}
        )
        assert naive.status_code == 422
        assert "at" in naive.text
        bad = http.post("/api/v1/calls/decide", headers=telephony, json=body | {"number": "12"})
        assert bad.status_code == 422
        assert "number" in bad.json()["detail"]
        dpo = bearer(token(app, "dpo-web", role="dpo"))
        assert http.post("/api/v1/calls/decide", headers=dpo, json=body).status_code == 403
        out = http.post(
            "/api/v1/calls/opt-out", headers=telephony, json={"number": "06 98 76 54 32", "at": body["at"]}
        )
        assert out.status_code == 200, out.text
        after = http.post("/api/v1/calls/decide", headers=telephony, json=body | {"call": "C1"}).json()
        assert (after["record"], after["why"]) == (False, ["objected"])
        run_import(app, [call("e9", "2026-11-26T09:05:00+01:00", "UP-1", number="0611111111")])
        sent = http.post("/api/v1/calls/UP-1/audio", headers=telephony | {"Content-Type": "application/octet-stream"},
                         content=AUDIO)  # fmt: skip
        assert sent.status_code == 204, sent.text
        assert http.post("/api/v1/calls/NOPE/audio", headers=telephony, content=b"x").status_code == 404
        reviewer = bearer(token(app, "q-1", role="quality_reviewer"), "quality_monitoring")
        played = http.get("/api/v1/calls/UP-1/audio", headers=reviewer)
        assert (played.status_code, played.content) == (200, AUDIO)
        shown = http.get("/api/v1/calls/UP-1", headers=reviewer).json()
        assert (shown["audio_bytes"], shown["purge_due"]) == (len(AUDIO), "2027-05-27")
        sales = bearer(token(app, "s-1", role="sales"), "prospecting")
        assert http.get("/api/v1/calls/UP-1/audio", headers=sales).status_code == 403


def test_bad_call_events_are_refused_naming_the_field_and_nothing_is_kept(app):
    """The audio is a file name inside the inbox, never a path; clear errors, nothing half-written."""
    report = run_import(app, [
        call("b1", "2026-11-20T10:00:00+01:00", "X1", audio="../../etc/passwd"),
        call("b2", "2026-11-20T10:00:00+01:00", "X2", number="12"),
        call("b3", "2026-11-20", "X3"),
        call("b4", "2026-11-20T10:00:00+01:00", "X4", recorded=False, audio="x.wav"),
        transcribed("b5", "2026-11-20T10:00:00+01:00", "UNKNOWN", "texte"),
        call("b6", "2026-11-20T10:00:00+01:00", "X6"),
    ])  # fmt: skip
    assert not report.committed
    fields = sorted((e.line, e.field) for e in report.errors)
    assert fields == [(1, "audio"), (2, "call.number"), (3, "at"), (4, "audio"), (5, "call")]
    assert app.calls().call("X6") is None
    assert not (app.settings.home / "recordings").exists() or not list(
        (app.settings.home / "recordings").iterdir()
    )


def test_a_transcript_sealed_by_an_import_that_rolls_back_is_shredded(app):
    """Nothing half-written: a refused file leaves no transcript behind, not even encrypted."""
    recorded(app)
    before = sorted(p.name for p in app.settings.keyring_dir.iterdir())
    report = run_import(app, [transcribed("t2", "2026-11-20T10:00:00+01:00", "CALL-1", "autre texte"),
                              call("bad", "2026-11-20T10:00:00+01:00", "CALL-9", number="12")])  # fmt: skip
    assert not report.committed
    assert sorted(p.name for p in app.settings.keyring_dir.iterdir()) == before
    reader = Reader("q", "quality_reviewer", "quality_monitoring")
    assert calls.transcript(desk(app), reader, "CALL-1") == TEXT  # the one in force is untouched
    newer = run_import(app, [transcribed("t3", "2026-11-21T10:00:00+01:00", "CALL-1", "texte corrigé")])
    assert newer.committed
    assert calls.transcript(desk(app), reader, "CALL-1") == "texte corrigé"
    assert len([p for p in app.settings.keyring_dir.iterdir() if p.name.startswith("transcript")]) == 1


def test_an_access_answer_lists_the_person_s_calls_and_says_how_long_recordings_are_kept(app, tmp_path):
    """GDPR Art. 15: calls and recordings metadata in data.json; the letter says the period."""
    import zipfile

    from tests.conftest import pdf_text

    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux"))])
    recorded(app, person="P1")
    d = app.rights_desk("dpo-anne", "dpo")
    request = rights.open_request(d, type_="access", received_on=TODAY, channel="post", claimed_name="Ana Roux",
                                  contact="ana@example.org", person="P1")  # fmt: skip
    identity.attach_document(d, request["id"], b"%PDF-1.4 identity")
    identity.verify(d, request["id"], "document")
    done = answers.fulfil(d, request["id"], tmp_path)
    with zipfile.ZipFile(done["paths"][0]) as zipped:
        data = json.loads(zipped.read("data.json"))
    (only,) = data["calls"]
    assert (only["ref"], only["recorded"], only["audio"], only["retention_end"]) == (
        "CALL-1",
        True,
        True,
        "2027-05-20",
    )
    assert TEXT not in json.dumps(data)  # the transcript is given on request, not in the file
    letter = pdf_text(tmp_path / "lettre.pdf")
    assert "Nous conservons la trace de 1 appel(s) avec vous, dont 1 enregistré(s)" in letter
    assert "6 mois" in letter
    assert "CALL-1" in letter
    assert "20/05/2027" in letter  # the day its recording's retention ends, in the letter too


def test_a_restricted_caller_s_recordings_are_played_only_for_the_restriction_s_exceptions(app):
    """GDPR Art. 18(2): restricted data are only stored, save the exceptions (legal claims here)."""
    from tests.conftest import restrict

    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux"))])
    recorded(app, person="P1")
    restrict(app, "P1")
    assert listen(app, "legal", "dispute_evidence") == AUDIO
    with pytest.raises(AccessDenied, match="restricted"):
        listen(app, "quality_reviewer", "quality_monitoring")


def test_an_upload_over_the_size_limit_is_refused_and_nothing_is_sealed(app):
    """Uploads are size-limited (CHARTE_AUDIO_MAX_BYTES); a refused one leaves nothing."""
    from dataclasses import replace

    from charte.bootstrap import bootstrap
    from tests.fakes import FixedClock

    small = bootstrap(replace(app.settings, audio_max_bytes=50_000), clock=FixedClock(TODAY))
    telephony = bearer(token(small, "pbx", system="telephony"))
    run_import(small, [call("e1", "2026-11-26T09:05:00+01:00", "UP-1")])
    with TestClient(web.create_app(small)) as http:
        headers = telephony | {"Content-Type": "application/octet-stream"}
        too_big = http.post("/api/v1/calls/UP-1/audio", headers=headers, content=AUDIO)
        assert too_big.status_code == 413
        assert small.calls().call("UP-1").audio is False
        assert (
            http.post("/api/v1/calls/UP-1/audio", headers=headers, content=AUDIO[:40_000]).status_code == 204
        )
    small.engine.dispose()


def test_analysis_results_go_with_their_call_and_documents_keep_twelve_months(app):
    """CNIL: results inherit the recording's purge unless irreversibly anonymised;
    analysis documents (scoring grids, reports) are kept one year on their own."""
    recorded(app, at="2026-05-10T09:00:00+02:00")  # purge due 2026-11-11: past
    reviewer = Reader("q-1", "quality_reviewer", "quality_monitoring")
    result = calls.add_analysis(desk(app), reviewer, "CALL-1", "result", [b'{"score": 3}'])
    kept = calls.add_analysis(desk(app), reviewer, "CALL-1", "result", [b'{"mean": 3.2}'], anonymised=True)
    grid = calls.add_analysis(desk(app), reviewer, "CALL-1", "document", [b"grille d'evaluation"])
    assert (result["purge_due"], grid["purge_due"]) == (None, "2027-11-27")
    assert [a["kind"] for a in calls.analyses(desk(app), reviewer, "CALL-1")] == ["result", "document"]
    assert b"".join(calls.analysis(desk(app), reviewer, "CALL-1", grid["id"])) == b"grille d'evaluation"
    with pytest.raises(AccessDenied):
        calls.add_analysis(desk(app), Reader("s", "sales", "prospecting"), "CALL-1", "document", [b"x"])
    report = sweep(sweeper=app.eraser(), as_of=TODAY, today=TODAY)
    assert (report.recordings_erased, report.analysis_documents_erased) == (1, 0)
    a = tables.call_analyses.c
    with app.engine.connect() as conn:
        left = {r.id: r.call_id for r in conn.execute(select(a.id, a.call_id))}
    assert left == {kept["id"]: None, grid["id"]: None}  # the call's own result went with it
    app.clock.day = date(2027, 11, 27)
    later = sweep(sweeper=app.eraser(), as_of=app.clock.day, today=app.clock.day)
    assert later.analysis_documents_erased == 1
    with app.engine.connect() as conn:
        assert [r.id for r in conn.execute(select(a.id))] == [kept["id"]]
    names = sorted(p.name for p in app.settings.keyring_dir.iterdir())
    assert len(names) == 1  # only the anonymised result's key is left
    assert names[0].startswith("analysis-")


def test_calls_that_were_not_recorded_follow_the_policy_s_metadata_rule(app, tmp_path):
    """Metadata of calls without audio per the policy's rule for them."""
    import yaml

    from charte.bootstrap import bootstrap
    from charte.config import Settings
    from tests.conftest import TEST_KEY
    from tests.fakes import FixedClock

    document = yaml.safe_load(app.settings.policy_path.read_text(encoding="utf-8"))
    document["retention"]["call_log"] = {
        "anchor": "call_date",
        "period": "P1M",
        "on_erasure_request": {"action": "erase"},
    }
    document["recordings"]["metadata_retention"] = "call_log"
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    other = bootstrap(Settings(policy_path=path, home=tmp_path / "h2", database_url=app.settings.database_url,
                               field_key=TEST_KEY), clock=FixedClock(TODAY))  # fmt: skip
    run_import(other, [call("e1", "2026-11-20T10:00:00+01:00", "QUIET", recorded=False),
                       call("e2", "2026-11-20T10:00:00+01:00", "LOUD")])  # fmt: skip
    assert (other.calls().call("QUIET").retention_end, other.calls().call("LOUD").retention_end) == (
        date(2026, 12, 20),
        date(2027, 5, 20),
    )
    other.engine.dispose()


def test_calls_take_their_place_in_the_retention_schedule_and_forecast(app):
    """Recordings are retention units of the schedule and the forecast, as persons' are."""
    from charte.services.retention import ScheduleFilter, forecast, schedule

    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux"))])
    recorded(app, "A", person="P1", at="2026-11-20T10:00:00+01:00")
    run_import(app, [call("e9", "2026-11-21T10:00:00+01:00", "B", recorded=False)])
    rows = list(schedule(queries=app.retention_queries(), gate=app.gate, auditor=app.auditor, actor="dpo-anne",
                         role="dpo", criteria=ScheduleFilter()))  # fmt: skip
    found = [(r.unit, r.person, r.context, str(r.purge_due)) for r in rows if r.unit in ("recording", "call")]
    assert found == [("recording", "P1", "A", "2027-05-21"), ("call", None, "B", "2027-05-22")]
    mine = list(schedule(queries=app.retention_queries(), gate=app.gate, auditor=app.auditor, actor="dpo-anne",
                         role="dpo", criteria=ScheduleFilter(person="P1")))  # fmt: skip
    assert {r.unit for r in mine} == {"client", "recording"}
    months = {
        r["month"]: r["units"] for r in forecast(queries=app.retention_queries(), today=TODAY, months=7)
    }
    assert months["2027-05"] == 2


def test_the_station_s_calls_out_are_neither_recorded_nor_accepted_as_recorded_from_the_feed(app):
    """Seed: « une partie des appels à destination de ses services »: the shipped policy records
    inbound calls only (recordings.directions); an outbound call — to a trusted person during an
    alarm — is never recorded, whatever the draw, and a feed reporting one recorded is refused."""
    telephony = bearer(token(app, "pbx", system="telephony"))
    with TestClient(web.create_app(app)) as http:
        body = {"number": "+33 6 98 76 54 32", "direction": "outbound", "at": "2026-11-26T03:00:00+01:00"}
        answers = [
            http.post("/api/v1/calls/decide", headers=telephony, json=body | {"call": f"O{n}"}).json()
            for n in range(40)
        ]
    assert {(a["record"], a["live_listening"], tuple(a["why"])) for a in answers} == {
        (False, False, ("direction",))
    }
    report = run_import(app, [call("o1", "2026-11-26T03:00:00+01:00", "OUT-1", direction="outbound")])
    assert [(e.field, e.message) for e in report.errors] == [
        ("recorded", "the policy records no outbound call (recordings.directions)")
    ]
    quiet = call("o2", "2026-11-26T03:00:00+01:00", "OUT-2", direction="outbound", recorded=False)
    assert run_import(app, [quiet]).errors == []  # reported, not recorded: its metadata are kept
