"""May we call, e-mail or text this person now? The prospecting gate's rules, decided on the
moment of the solicitation. Pure: the facts come in, the answer goes out, every rule with its
source.

The rules are the policy's (``prospecting:``), each dated, because the law changed and a
solicitation is judged by the law of its day:

- prior consent, per purpose and channel: e-mail and SMS to natural persons since the CPCE L34-5
  (loi 2004-575), the phone since 11 August 2026 (Code de la consommation L223-1 as amended by
  loi n° 2025-594), each with its exception for the professional's clients (L34-5 al. 4 for
  analogous products; L223-1 for calls within an ongoing contract);
- before that day, a call to a number on the Bloctel opposition list is refused unless the person
  is a client under contract, and the list consulted must be recent (the professional re-checks
  its file every 30 days);
- calls only on weekdays from 10:00 to 13:00 and 14:00 to 20:00 in the consumer's time zone,
  never on a public holiday of the Code du travail L3133-1; at most four attempts in 30 calendar
  days; none for 60 calendar days after a refusal during a call (Code de la consommation D223-9,
  décret n° 2022-1313, in force 1 March 2023). These bind calls within a contract too (the
  décret's notice says so);
- an objection to prospecting (GDPR Art. 21(2)-(3)) refuses every channel, whatever the basis.

What the décret lets a consent lift (calls outside the windows with the consumer's express
consent to that) is not modelled: a consent record does not say it covers other hours, so the
windows always apply — the prudent reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from charte.domain.dates import add_period, public_holidays
from charte.domain.durations import Duration
from charte.domain.vocabulary import SourceKind

# The rules' objects compare by identity (eq=False): they are read once from the policy and are the
# keys of the caches below, which a screen consults a million times — hashing them field by field
# at each call would cost more than the rule itself.


class Channel(StrEnum):
    """How a person is solicited."""

    PHONE = "phone"
    EMAIL = "email"
    SMS = "sms"
    POST = "post"


class ConsentMethod(StrEnum):
    """How a consent was given (the proof says how)."""

    WEB_FORM = "web_form"
    CALL = "call"
    PAPER = "paper"
    PARTNER = "partner"


class Refusal(StrEnum):
    """Why a solicitation is refused."""

    OBJECTED = "objected"  # on the suppression list, or an objection to the purpose (Art. 21(3))
    NO_CONSENT = "no_consent"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    BLOCTEL_LISTED = "bloctel_listed"
    BLOCTEL_NOT_CHECKED = "bloctel_not_checked"  # no Bloctel list, or one older than allowed
    OUTSIDE_HOURS = "outside_hours"
    TOO_MANY = "too_many"  # the attempts allowed in the period are spent
    AFTER_REFUSAL = "after_refusal"  # the person refused a call not long ago


class Ground(StrEnum):
    """Why a solicitation is allowed, rule by rule."""

    CONSENT = "consent"
    CLIENT_CONTRACT = "client_contract"
    BLOCTEL_CLEAR = "bloctel_clear"
    WITHIN_HOURS = "within_hours"
    UNDER_LIMIT = "under_limit"
    NO_CONSENT_NEEDED = "no_consent_needed"


@dataclass(frozen=True, slots=True, eq=False)
class ConsentRule:
    """Solicitations on ``channels`` need the person's prior consent from ``since`` on; a client
    under contract is excepted when ``client_exception`` names its source."""

    channels: frozenset[Channel]
    since: date
    source: str
    client_exception: str | None = None  # the source of the exception, or None: no exception


@dataclass(frozen=True, slots=True, eq=False)
class BloctelRule:
    """Until ``until`` (its last day), a call to a number on the opposition list is refused, and
    the list consulted must be at most ``max_age`` old on the day of the call."""

    until: date
    max_age: Duration
    keep: Duration  # how long a loaded list is kept
    source: str
    max_age_source: str
    client_exception: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class CallingHours:
    since: date
    weekdays: frozenset[int]  # 0 = Monday
    windows: tuple[tuple[time, time], ...]  # [start, end)
    no_public_holidays: bool
    source: str


@dataclass(frozen=True, slots=True, eq=False)
class AttemptLimit:
    """At most ``at_most`` attempts (answered or not) in ``days`` calendar days."""

    since: date
    at_most: int
    days: int
    source: str


@dataclass(frozen=True, slots=True, eq=False)
class RefusalPause:
    """No attempt for ``days`` full calendar days after the day the person refused."""

    since: date
    days: int
    source: str


@dataclass(frozen=True, slots=True, eq=False)
class Prospecting:
    """The policy's ``prospecting`` section."""

    purposes: tuple[str, ...]
    consent_rules: tuple[ConsentRule, ...]
    consent_sources: frozenset[SourceKind]
    consent_retention: str  # the retention rule a consent's proof is kept by once it ends
    calls: frozenset[Channel] = frozenset({Channel.PHONE})  # what the call rules below bind
    bloctel: BloctelRule | None = None
    hours: CallingHours | None = None
    attempts: AttemptLimit | None = None
    after_refusal: RefusalPause | None = None
    time_zone: str = "Europe/Paris"


@dataclass(frozen=True, slots=True)
class ConsentSpan:
    """A consent for the purpose and channel asked, covering the contact: when it was given and,
    if it was, withdrawn."""

    given_at: datetime
    withdrawn_at: datetime | None = None

    def valid_at(self, moment: datetime) -> bool:
        return self.given_at <= moment and (self.withdrawn_at is None or moment < self.withdrawn_at)


@dataclass(frozen=True, slots=True)
class Attempt:
    """An earlier solicitation on the same channel: its day and whether the person refused."""

    on: date
    refused: bool = False


@dataclass(frozen=True, slots=True)
class BloctelCheck:
    """The latest Bloctel list dated on or before the day of the call (None: none loaded), and
    whether the number is on it."""

    dated: date
    listed: bool


@dataclass(frozen=True, slots=True)
class Facts:
    """What the register knows about the contact, for the purpose and channel asked."""

    consents: tuple[ConsentSpan, ...] = ()
    objected: bool = False
    client: bool = False  # a client whose contract is in progress at the moment
    attempts: tuple[Attempt, ...] = ()
    bloctel: BloctelCheck | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule's verdict: its code, the law it applies, and the dates that decided it (never a
    personal value)."""

    code: str
    source: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    refusals: tuple[Reason, ...]
    grounds: tuple[Reason, ...]

    @property
    def allowed(self) -> bool:
        return not self.refusals

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """What the answer rests on: every refusal, or every ground when allowed."""
        return self.refusals or self.grounds


OBJECTION_SOURCE = "GDPR Art. 21(2)-(3): an objection to direct marketing is absolute"


@dataclass(slots=True)
class _Verdicts:
    refusals: list[Reason] = field(default_factory=list)
    grounds: list[Reason] = field(default_factory=list)

    def refuse(self, code: Refusal, source: str, detail: str = "") -> None:
        self.refusals.append(Reason(code.value, source, detail))

    def ground(self, code: Ground, source: str, detail: str = "") -> None:
        self.grounds.append(Reason(code.value, source, detail))


def decide(
    rules: Prospecting, channel: Channel, moment: datetime, facts: Facts, zones: Sequence[str] = ()
) -> Decision:
    """Whether a solicitation on ``channel`` at ``moment`` is allowed, with every reason.

    ``moment`` is aware; ``zones`` are the time zones the consumer may be in (their number's;
    several when the number does not tell between them, and the hours must hold in each), else
    the policy's. Each dated rule is judged on the day of the solicitation in the policy's zone.
    """
    if moment.tzinfo is None:
        raise ValueError("a solicitation's moment needs its offset")
    day = moment.astimezone(ZoneInfo(rules.time_zone)).date()
    out = _Verdicts()
    if facts.objected:
        out.refuse(Refusal.OBJECTED, OBJECTION_SOURCE)
    _consent(rules, channel, moment, day, facts, out)
    if channel in rules.calls:
        _bloctel(rules.bloctel, day, facts, out)
        verdict = _hours(rules.hours, moment, tuple(zones) or (rules.time_zone,), day)
        if verdict is not None:
            (out.refusals if isinstance(verdict.code, Refusal) else out.grounds).append(verdict.reason)
        _attempts(rules.attempts, rules.after_refusal, day, facts.attempts, out)
    return Decision(tuple(out.refusals), tuple(out.grounds))


@lru_cache(maxsize=1024)
def rules_in_force(rules: Prospecting, channel: Channel, day: date) -> tuple[ConsentRule, ...]:
    """The consent rules binding ``channel`` on ``day`` (the same for every contact of a campaign:
    computed once)."""
    return tuple(r for r in rules.consent_rules if channel in r.channels and r.since <= day)


def _consent(
    rules: Prospecting, channel: Channel, moment: datetime, day: date, facts: Facts, out: _Verdicts
) -> None:
    binding = rules_in_force(rules, channel, day)
    if not binding:
        out.ground(Ground.NO_CONSENT_NEEDED, _later_rules(rules, channel, day))
        return
    for rule in binding:
        if facts.client and rule.client_exception:
            out.ground(Ground.CLIENT_CONTRACT, rule.client_exception)
            continue
        valid = [c for c in facts.consents if c.valid_at(moment)]
        if valid:
            first = min(c.given_at for c in valid)
            out.ground(Ground.CONSENT, rule.source, f"given {first.isoformat()}")
        elif any(c.given_at <= moment for c in facts.consents):
            last = max(c.withdrawn_at for c in facts.consents if c.withdrawn_at is not None)
            out.refuse(Refusal.CONSENT_WITHDRAWN, rule.source, f"withdrawn {last.isoformat()}")
        else:
            out.refusals.append(_no_consent(rule))


@lru_cache(maxsize=64)
def _no_consent(rule: ConsentRule) -> Reason:
    return Reason(Refusal.NO_CONSENT.value, rule.source, f"required since {rule.since.isoformat()}")


def _later_rules(rules: Prospecting, channel: Channel, day: date) -> str:
    later = [r for r in rules.consent_rules if channel in r.channels and r.since > day]
    if later:
        first = min(later, key=lambda r: r.since)
        return f"no prior consent required before {first.since.isoformat()} ({first.source})"
    return "no rule of the policy requires prior consent on this channel"


def _bloctel(rule: BloctelRule | None, day: date, facts: Facts, out: _Verdicts) -> None:
    if rule is None or day > rule.until:
        return
    if facts.client and rule.client_exception:
        out.ground(Ground.CLIENT_CONTRACT, rule.client_exception)
        return
    check = facts.bloctel
    if check is None:
        out.refuse(Refusal.BLOCTEL_NOT_CHECKED, rule.max_age_source, "no Bloctel list loaded")
    elif add_period(check.dated, rule.max_age) < day:
        out.refuse(
            Refusal.BLOCTEL_NOT_CHECKED,
            rule.max_age_source,
            f"the latest list is of {check.dated.isoformat()}, older than {rule.max_age}",
        )
    elif check.listed:
        out.refuse(Refusal.BLOCTEL_LISTED, rule.source, f"on the list of {check.dated.isoformat()}")
    else:
        out.ground(Ground.BLOCTEL_CLEAR, rule.source, f"not on the list of {check.dated.isoformat()}")


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class _Verdict:
    code: Refusal | Ground
    reason: Reason


@lru_cache(maxsize=4096)
def _hours(rule: CallingHours | None, moment: datetime, zones: tuple[str, ...], day: date) -> _Verdict | None:
    """Within the windows on the consumer's clock — on each of their possible clocks. The same
    for every contact of a campaign called at the same time: computed once (a screen asks it a
    million times)."""
    if rule is None or day < rule.since:
        return None
    clocks = [moment.astimezone(ZoneInfo(z)) for z in zones]
    for local in clocks:
        when, zone = local.strftime("%H:%M"), local.tzname()
        refused = None
        if local.weekday() not in rule.weekdays:
            refused = f"a {_DAYS[local.weekday()]} ({zone})"
        elif rule.no_public_holidays and local.date() in public_holidays(local.year):
            refused = f"{local.date().isoformat()} is a public holiday"
        elif not any(start <= local.time() < end for start, end in rule.windows):
            spans = ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in rule.windows)
            refused = f"{when} ({zone}) is outside {spans}"
        if refused is not None:
            return _Verdict(Refusal.OUTSIDE_HOURS, Reason(Refusal.OUTSIDE_HOURS.value, rule.source, refused))
    detail = ", ".join(f"{c:%H:%M} ({c.tzname()})" for c in clocks)
    return _Verdict(Ground.WITHIN_HOURS, Reason(Ground.WITHIN_HOURS.value, rule.source, detail))


@lru_cache(maxsize=64)
def _no_attempt(limit: AttemptLimit, day: date) -> Reason:
    first = day - timedelta(days=limit.days - 1)
    return Reason(Ground.UNDER_LIMIT.value, limit.source, f"0 attempts since {first.isoformat()}")


def _attempts(
    limit: AttemptLimit | None,
    pause: RefusalPause | None,
    day: date,
    attempts: Iterable[Attempt],
    out: _Verdicts,
) -> None:
    earlier = [a for a in attempts if a.on <= day]
    if not earlier and limit is not None and day >= limit.since:
        out.grounds.append(_no_attempt(limit, day))  # most contacts of a campaign: computed once a day
        return
    if limit is not None and day >= limit.since:
        # The period of `days` calendar days that ends with the day of this call: any rolling
        # period holding this call holds no earlier attempt outside it.
        first = day - timedelta(days=limit.days - 1)
        made = sum(1 for a in earlier if a.on >= first)
        if made >= limit.at_most:
            out.refuse(
                Refusal.TOO_MANY,
                limit.source,
                f"{made} attempts since {first.isoformat()}, at most {limit.at_most} in {limit.days} days",
            )
        else:
            out.ground(Ground.UNDER_LIMIT, limit.source, f"{made} attempts since {first.isoformat()}")
    if pause is not None and day >= pause.since:
        refused = [a.on for a in earlier if a.refused]
        if refused:
            last = max(refused)
            # « soixante jours calendaires révolus à compter de ce refus »: the day of the refusal
            # does not count, the 60 days after it must all have passed.
            if day <= last + timedelta(days=pause.days):
                free = last + timedelta(days=pause.days + 1)
                out.refuse(
                    Refusal.AFTER_REFUSAL,
                    pause.source,
                    f"refused on {last.isoformat()}: no call before {free.isoformat()}",
                )


def proof_purge_due(ended_on: date, kept: Duration) -> date:
    """The day a consent's proof (or an answer of the gate) is purged: kept ``kept`` after the
    consent ended (or the solicitation was asked about), then erased the day after."""
    return add_period(ended_on, kept) + timedelta(days=1)


def instant_of(on: date, at: datetime | None, zone: str = "Europe/Paris") -> datetime:
    """A fact's instant: the time it gave, else the start of its day in ``zone``."""
    return at if at is not None else datetime.combine(on, time(), tzinfo=ZoneInfo(zone))


def consent_source_refused(
    rules: Prospecting | None, kind: SourceKind, ref: str | None
) -> tuple[str, str] | None:
    """Why a consent may not come from this source — (the key, the message) — or None: the
    policy's ``prospecting.consent.sources`` (without a section, only the person themselves), and a
    partner named by its ref, since the partner is the one who proves it."""
    allowed = rules.consent_sources if rules is not None else frozenset({SourceKind.SUBJECT})
    if kind not in allowed:
        names = ", ".join(sorted(k.value for k in allowed))
        return "source.kind", f"a consent comes from {names} (policy: prospecting.consent.sources)"
    if ref is None and kind is SourceKind.PARTNER:
        return "source.ref", "required for a consent a partner collected (the partner's ref)"
    return None
