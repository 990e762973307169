"""Whether a call is recorded, and for what: the decision the telephony asks at call start.

The charter records "une partie des appels" for training, quality, dispute evidence, staff
protection and AI experiments (legitimate interest: an objection stops them), and for rights
handling and fraud control (not stopped by an objection). The policy's ``recordings`` says which
purposes, which an objection stops, the share of calls recorded, and whether live double-listening
is practised.

Chosen where the charter is silent (docs/calls.md):

- The share is drawn per call, deterministically: the same call asked twice gets the same answer
  (a retry of the telephony must not flip it), from a keyed hash of the call's reference, so the
  draw cannot be predicted or steered by the caller.
- A caller who objected to recording (a rights request, or the opt-out key) is not recorded at
  all and not listened to live: the purposes an objection leaves standing (rights handling, fraud
  control) justify keeping recordings already made, not making new ones of a person who said no.
- Live double-listening is a way of training and checking quality: it is allowed only when the
  policy practises it and no objection stops those purposes for this caller.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum

from charte.domain.policy import Recordings
from charte.domain.vocabulary import CallDirection

Direction = CallDirection  # the name the telephony's API speaks of


class Why(StrEnum):
    """Why a call is, or is not, recorded (codes the telephony can log; never personal data)."""

    SYSTEMATIC = "systematic"  # every call, as a cited legal requirement asks
    SAMPLED = "sampled"  # inside the policy's share
    NOT_SAMPLED = "not_sampled"  # outside it
    OBJECTED = "objected"  # the caller (number or person) objected to recording
    OPT_OUT_KEY = "opt_out_key"  # the caller pressed the opt-out key on this call
    NO_PURPOSE = "no_purpose"  # the policy names no recording purpose
    DIRECTION = "direction"  # the policy records no call in this direction (recordings.directions)


@dataclass(frozen=True, slots=True)
class CallDecision:
    record: bool
    live_listening: bool
    purposes: tuple[str, ...]  # what the recording may be used for; empty when not recorded
    why: tuple[Why, ...]


def draw(key: bytes, call: str) -> float:
    """A number in [0, 1) fixed for the call and unpredictable without the key."""
    digest = hmac.new(key, call.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def decide(
    recordings: Recordings,
    *,
    sample: float,
    objected: frozenset[str],
    opted_out: bool,
    direction: CallDirection = CallDirection.INBOUND,
) -> CallDecision:
    """The decision for one call. ``sample``: the call's draw; ``objected``: the recording
    purposes this caller objected to (by number or person); ``opted_out``: the key pressed now;
    ``direction``: a call in a direction the policy does not record is neither recorded nor
    listened to live (the charter announces recording of calls to its services)."""
    if direction not in recordings.directions:
        return CallDecision(False, False, (), (Why.DIRECTION,))
    stops = frozenset(recordings.opposition_stops)
    why: list[Why] = []
    if opted_out:
        why.append(Why.OPT_OUT_KEY)
    if objected & stops:
        why.append(Why.OBJECTED)
    if why:
        return CallDecision(False, False, (), tuple(why))
    if not recordings.purposes:
        return CallDecision(False, False, (), (Why.NO_PURPOSE,))
    live = recordings.live_double_listening
    if recordings.systematic:
        return CallDecision(True, live, recordings.purposes, (Why.SYSTEMATIC,))
    if sample < (recordings.share or 0.0):
        return CallDecision(True, live, recordings.purposes, (Why.SAMPLED,))
    return CallDecision(False, live, (), (Why.NOT_SAMPLED,))
