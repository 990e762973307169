"""Personal-data breaches: the register's rules, the 72-hour clock and the risk charte proposes.

Every breach is recorded, notified or not (GDPR Art. 33(5)): its facts, effects and the remedial
action taken. The supervisory authority is notified without undue delay and, where feasible,
within 72 hours of the controller becoming aware of it, unless it is unlikely to result in a risk
to the rights and freedoms of persons; a later notification gives the reasons for the delay
(Art. 33(1)); the information may be given in phases (Art. 33(4)). The persons are told without
undue delay when the risk is high (Art. 34(1)), unless the data were unintelligible to whoever
reached them, later measures make the high risk no longer likely, or telling each one would need
a disproportionate effort — then a public communication (Art. 34(3)). A processor tells the
controller without undue delay (Art. 33(2)): its notice may be the moment of awareness.

The 72 hours are a period in hours (Reg. 1182/71 art. 3(1), 3(2)(a): ``dates.hours_period_end``);
charte shows beside it the prudent target, awareness + 72 h to the minute, and counts the hours
left against that target.

The risk is proposed, never decided: the DPO decides, with reasons (Art. 33(5)). The proposal
weighs the factors of the EDPB's Guidelines 9/2022 on personal data breach notification (§ IV.B,
taken over from WP250 rev.01): the type of breach, the nature, sensitivity and volume of the data,
the ease of identification, the severity of the consequences, special characteristics of the
persons (vulnerable persons), and the number of persons affected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from charte.domain.dates import hours_period_end
from charte.domain.errors import DomainError

NOTIFY_WITHIN_HOURS = 72  # GDPR Art. 33(1)
# Under this many hours left before the prudent target, the dashboard shows the breach in red.
URGENT_HOURS = 12


class Nature(StrEnum):
    """What was lost (EDPB Guidelines 9/2022 § I.B, the three security properties)."""

    CONFIDENTIALITY = "confidentiality"  # disclosed to, or reached by, someone not entitled
    INTEGRITY = "integrity"  # altered without authority
    AVAILABILITY = "availability"  # lost, or access to it lost


class Compromised(StrEnum):
    """What the scope is computed from: what was compromised."""

    ACTOR = "actor"  # an actor (its token, its password) over a window: every read it made
    RECIPIENT = "recipient"  # a recipient's copy: every disclosure made to it over a window
    SYSTEM = "system"  # a system of the outbox: every order (with its fields) sent to it
    DISCLOSURE = "disclosure"  # one disclosure of the ledger
    ANSWER = "answer"  # a rights request's answer or letters (misdirected, lost): what its reads showed


class Step(StrEnum):
    """The timeline of a breach (each step audited)."""

    OPENED = "opened"
    AMENDED = "amended"  # facts added or corrected
    ASSESSED = "assessed"
    SCOPED = "scoped"
    DECIDED = "decided"  # notify the CNIL or not, tell the persons or not, with reasons
    CNIL_NOTIFIED = "cnil_notified"  # a notification or a phase of it (Art. 33(4))
    PERSONS_TOLD = "persons_told"  # letters sent (Art. 34(1))
    PUBLIC_COMMUNICATION = "public_communication"  # Art. 34(3)(c)
    ACTION = "action"  # a follow-up: a token revoked, codes to rotate...
    CLOSED = "closed"


class Phase(StrEnum):
    """A notification to the CNIL in phases (Art. 33(4))."""

    INITIAL = "initial"  # what is known: meets the deadline
    COMPLEMENT = "complement"  # more information
    COMPLETE = "complete"  # the last one: the notification is whole


class Level(StrEnum):
    UNLIKELY = "unlikely"  # unlikely to result in a risk: recorded only (Art. 33(1), 33(5))
    RISK = "risk"  # notify the CNIL (Art. 33(1))
    HIGH = "high"  # and tell the persons (Art. 34(1))


class BreachRefused(DomainError, ValueError):
    """A step that the rules of the breach register do not allow (the message says why)."""


@dataclass(frozen=True, slots=True)
class Clock:
    """The CNIL's deadline for one breach."""

    aware_at: datetime
    deadline: datetime  # Reg. 1182/71 art. 3(1), 3(2)(a): the end of the 72nd whole hour
    target: datetime  # the prudent target: awareness + 72 h

    def hours_left(self, now: datetime) -> float:
        """Hours before the prudent target (negative once past it). In UTC: Python subtracts two
        times of the same zone by their wall clocks, which a change of clocks would skew."""
        return (self.target.astimezone(UTC) - now.astimezone(UTC)).total_seconds() / 3600

    def late(self, at: datetime) -> bool:
        """A notification made at ``at`` is late (it owes the reasons for the delay)."""
        return at.astimezone(UTC) > self.deadline.astimezone(UTC)


def clock(aware_at: datetime) -> Clock:
    """The 72 hours from awareness (Art. 33(1)), in hours, never rolled past a weekend or holiday.
    Elapsed hours, added in UTC: Python adds a timedelta to a Paris time on the wall clock, which
    would make the night the clocks go forward 73 hours long."""
    target = aware_at.astimezone(UTC) + timedelta(hours=NOTIFY_WITHIN_HOURS)
    return Clock(
        aware_at,
        hours_period_end(aware_at, NOTIFY_WITHIN_HOURS),
        target.astimezone(aware_at.tzinfo),
    )


def check_times(discovered_at: datetime, aware_at: datetime, now: datetime) -> None:
    """Awareness cannot precede the discovery it follows, and neither is in the future."""
    if aware_at < discovered_at:
        raise BreachRefused("aware_at: the controller cannot become aware before the breach was discovered")
    if discovered_at > now or aware_at > now:
        raise BreachRefused("discovered_at and aware_at cannot be in the future")


def check_notification(
    when: Clock, at: datetime, phase: Phase, delay_reasons: str | None, earlier: Iterable[Phase]
) -> None:
    """A notification to the CNIL: the first is ``initial`` (or ``complete`` at once), later ones
    follow it; a first notification after the deadline gives the reasons for the delay (Art. 33(1))."""
    before = list(earlier)
    if Phase.COMPLETE in before:
        raise BreachRefused("the notification to the CNIL is complete already: nothing can follow it")
    if not before and phase is Phase.COMPLEMENT:
        raise BreachRefused("phase: a complement follows an initial notification; give initial or complete")
    if before and phase is Phase.INITIAL:
        raise BreachRefused("phase: the initial notification was made; give complement or complete")
    if not before and when.late(at) and not (delay_reasons or "").strip():
        raise BreachRefused(
            "delay_reasons: the notification comes after the 72 hours (GDPR Art. 33(1)): "
            "give the reasons for the delay"
        )


@dataclass(frozen=True, slots=True)
class Found:
    """What the scope found, or what the DPO's team estimated without one."""

    persons: int  # persons affected (those still in the register and those since erased)
    categories: frozenset[str]  # data categories involved
    subject_categories: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Declared:
    """What only the DPO's team can say."""

    natures: frozenset[Nature]
    vulnerable: bool = False  # persons with special characteristics (EDPB § IV.B)
    unintelligible: bool = False  # Art. 34(3)(a): encrypted, the key not compromised
    mitigated: bool = False  # Art. 34(3)(b): measures since make the high risk unlikely
    restored: bool = False  # availability only: restored in time, no copy made


@dataclass(frozen=True, slots=True)
class Factors:
    """What the policy says makes a breach severe for this operator."""

    severe_categories: frozenset[str]  # e.g. site security (alarm codes), payment data
    many_persons: int  # from this number of persons, the volume weighs on the risk


class Why(StrEnum):
    """Why charte proposes what it proposes; each has its source (``SOURCES``) and its words
    (``services.documents.breach_words``)."""

    NOBODY = "nobody"  # no person known to be affected
    RESTORED = "restored"  # availability only, restored in time, no copy
    RISK = "risk"  # persons affected: likely a risk
    SEVERE = "severe"  # severe categories reached in a confidentiality breach
    VULNERABLE = "vulnerable"
    MANY = "many"
    UNINTELLIGIBLE = "unintelligible"
    MITIGATED = "mitigated"
    TELL = "tell"


SOURCES = {
    Why.NOBODY: "GDPR Art. 33(1)",
    Why.RESTORED: "EDPB Guidelines 9/2022 § IV.B (type of breach)",
    Why.RISK: "GDPR Art. 33(1)",
    Why.SEVERE: "EDPB Guidelines 9/2022 § IV.B (severity of consequences)",
    Why.VULNERABLE: "EDPB Guidelines 9/2022 § IV.B (special characteristics of the individual)",
    Why.MANY: "EDPB Guidelines 9/2022 § IV.B (number of affected individuals)",
    Why.UNINTELLIGIBLE: "GDPR Art. 34(3)(a)",
    Why.MITIGATED: "GDPR Art. 34(3)(b)",
    Why.TELL: "GDPR Art. 34(1)",
}


@dataclass(frozen=True, slots=True)
class Reason:
    why: Why
    # What the words need: the persons' number, the natures, the categories reached, the threshold.
    persons: int = 0
    items: tuple[str, ...] = ()
    threshold: int = 0

    @property
    def source(self) -> str:
        return SOURCES[self.why]


@dataclass(frozen=True, slots=True)
class Proposal:
    level: Level
    notify_cnil: bool
    tell_persons: bool
    reasons: tuple[Reason, ...]


def propose(found: Found, declared: Declared, factors: Factors) -> Proposal:
    """The risk charte proposes, with its reasons (EDPB Guidelines 9/2022 § IV.B factors)."""
    if not declared.natures:
        raise BreachRefused("natures: name at least one of confidentiality, integrity, availability")
    if found.persons == 0:
        return Proposal(Level.UNLIKELY, False, False, (Reason(Why.NOBODY),))
    reasons: list[Reason] = []
    natures = tuple(sorted(n.value for n in declared.natures))
    level = Level.RISK
    if declared.natures == {Nature.AVAILABILITY} and declared.restored:
        level = Level.UNLIKELY
        reasons.append(Reason(Why.RESTORED, found.persons))
    else:
        reasons.append(Reason(Why.RISK, found.persons, natures))
    disclosed = Nature.CONFIDENTIALITY in declared.natures
    severe = tuple(sorted(found.categories & factors.severe_categories))
    if severe and disclosed:
        level = Level.HIGH
        reasons.append(Reason(Why.SEVERE, found.persons, severe))
    if declared.vulnerable and level is not Level.UNLIKELY:
        level = Level.HIGH
        reasons.append(Reason(Why.VULNERABLE, found.persons))
    if found.persons >= factors.many_persons and level is Level.RISK and disclosed:
        level = Level.HIGH
        reasons.append(Reason(Why.MANY, found.persons, threshold=factors.many_persons))
    tell = level is Level.HIGH
    if tell and declared.unintelligible:
        tell = False
        reasons.append(Reason(Why.UNINTELLIGIBLE))
    elif tell and declared.mitigated:
        tell = False
        reasons.append(Reason(Why.MITIGATED))
    elif tell:
        reasons.append(Reason(Why.TELL))
    return Proposal(level, level is not Level.UNLIKELY, tell, tuple(reasons))
