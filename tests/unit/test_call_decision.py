"""The recording decision at call start (charter: "une partie des appels", opposition)."""

from __future__ import annotations

from dataclasses import replace

from charte.config import shipped_policy_path
from charte.domain.calls import Why, decide, draw
from charte.domain.vocabulary import CallDirection, RecordingMode
from tests.conftest import load

REC = load(shipped_policy_path()).policy.recordings
KEY = b"d" * 32


def test_the_policy_s_share_of_calls_is_recorded_and_the_same_call_always_gets_the_same_answer():
    """Charter: "une partie des appels" — the shipped 20 %, drawn per call, stable across retries."""
    answers = [
        decide(REC, sample=draw(KEY, f"call-{n}"), objected=frozenset(), opted_out=False)
        for n in range(20000)
    ]
    share = sum(a.record for a in answers) / len(answers)
    assert 0.19 < share < 0.21
    assert all(a.purposes == REC.purposes for a in answers if a.record)
    assert {a.why for a in answers} == {(Why.SAMPLED,), (Why.NOT_SAMPLED,)}
    again = [
        decide(REC, sample=draw(KEY, f"call-{n}"), objected=frozenset(), opted_out=False) for n in range(200)
    ]
    assert again == answers[:200]
    assert draw(b"e" * 32, "call-1") != draw(KEY, "call-1")  # the key, not the caller, steers the draw


def test_a_caller_who_objected_is_neither_recorded_nor_listened_to_live():
    """Charter: recordings for training, quality... "sauf opposition de votre part" (GDPR Art. 21(1))."""
    objected = decide(REC, sample=0.0, objected=frozenset({"quality_monitoring"}), opted_out=False)
    assert (objected.record, objected.live_listening, objected.purposes, objected.why) == (
        False,
        False,
        (),
        (Why.OBJECTED,),
    )
    key = decide(REC, sample=0.0, objected=frozenset(), opted_out=True)
    assert (key.record, key.live_listening, key.why) == (False, False, (Why.OPT_OUT_KEY,))


def test_an_objection_to_a_purpose_it_does_not_stop_changes_nothing():
    """Charter: rights handling and fraud control rest on legal obligations: an objection does not stop them."""
    made = decide(REC, sample=0.0, objected=frozenset({"fraud_control"}), opted_out=False)
    assert (made.record, made.why) == (True, (Why.SAMPLED,))


def test_a_call_outside_the_share_is_not_recorded_but_may_be_listened_to_live():
    """Charter: "enregistre ou réalise de la double écoute": live listening is not recording."""
    made = decide(REC, sample=0.99, objected=frozenset(), opted_out=False)
    assert (made.record, made.live_listening, made.purposes, made.why) == (
        False,
        True,
        (),
        (Why.NOT_SAMPLED,),
    )
    quiet = decide(
        replace(REC, live_double_listening=False), sample=0.99, objected=frozenset(), opted_out=False
    )
    assert quiet.live_listening is False


def test_systematic_recording_records_every_call_and_says_so():
    """CNIL: systematic recording only where a law requires it (the policy check refuses it otherwise)."""
    every = replace(REC, mode=RecordingMode.SYSTEMATIC, share=None, legal_requirement="Code X art. 1")
    made = decide(every, sample=0.999, objected=frozenset(), opted_out=False)
    assert (made.record, made.why) == (True, (Why.SYSTEMATIC,))
    assert decide(replace(REC, purposes=()), sample=0.0, objected=frozenset(), opted_out=False).why == (
        Why.NO_PURPOSE,
    )


def test_an_outbound_call_is_neither_recorded_nor_listened_to_when_the_policy_records_calls_to_its_services():
    """Charter: « une partie des appels *à destination de* nos services » — inbound calls only; a
    call to a trusted person during an alarm is not recorded, whatever the draw."""
    assert REC.directions == frozenset({CallDirection.INBOUND})
    out = decide(REC, sample=0.0, objected=frozenset(), opted_out=False, direction=CallDirection.OUTBOUND)
    assert (out.record, out.live_listening, out.purposes, out.why) == (False, False, (), (Why.DIRECTION,))
    inbound = decide(REC, sample=0.0, objected=frozenset(), opted_out=False, direction=CallDirection.INBOUND)
    assert (inbound.record, inbound.why) == (True, (Why.SAMPLED,))


def test_a_policy_that_records_both_directions_samples_outbound_calls_too():
    """`recordings.directions: [inbound, outbound]`: the draw decides for both."""
    both = replace(REC, directions=frozenset(CallDirection))
    made = decide(both, sample=0.0, objected=frozenset(), opted_out=False, direction=CallDirection.OUTBOUND)
    assert (made.record, made.why) == (True, (Why.SAMPLED,))
