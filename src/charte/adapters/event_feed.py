"""JSON Lines -> register events, checked against the feed's format and the policy (docs/events.md).

Everything that can be decided from one line alone is decided here, before any transaction:
JSON syntax, the envelope, each type's fields and their types, dates, and the policy's
allow-lists and sources for the role the event gives. Checks that need the register's state
(unknown refs, order of facts, reused ids) are ``charte.domain.register_rules``'.

Messages name fields and refs, never personal values.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo

import orjson

from charte.adapters import consent_lines
from charte.adapters.json_keys import duplicate_key_path
from charte.adapters.phone_numbers import BadNumber, canonical_number
from charte.domain.contacts import unsafe_character
from charte.domain.dates import out_of_range
from charte.domain.litigation import Residence
from charte.domain.policy import Policy
from charte.domain.register import (
    ALARM_KIND,
    EVENTS,
    AlarmRaised,
    CallRecorded,
    CallTranscribed,
    ContactChannel,
    ContactRegistered,
    ContractEnded,
    ContractSigned,
    Direction,
    Envelope,
    Event,
    LineError,
    LitigationAppealed,
    LitigationClosed,
    LitigationJudgment,
    LitigationOpened,
    LitigationServed,
    Outcome,
    PersonData,
    ProspectCollected,
    ProspectContacted,
    Role,
    SiteData,
    Source,
    TrustedPersonDesignated,
    TrustedPersonRemoved,
)
from charte.domain.vocabulary import CallDirection, CourtKind, CourtSeat, Recourse, SourceKind

E = TypeVar("E", bound=StrEnum)
PARIS = ZoneInfo("Europe/Paris")
MAX_LINE_BYTES = 1_000_000  # a line longer than this is refused, not parsed
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Keys of the feed's site and contract objects -> the policy fields they carry.
SITE_FIELDS = {
    "address": "site_address",
    "equipment": "equipment",
    "access_instructions": "access_instructions",
}
CONTRACT_FIELDS = {"offer": "offer", "partner": "partner", "prescriber": "prescriber"}


class _Invalid(Exception):
    """Internal: the line has errors (already recorded); stop building this event."""


class FeedReader:
    """Parses event lines for one policy; the allow-lists are computed once. ``sender``: the
    system whose feed this is (an API actor's), which may send only what the policy lets it
    (``Policy.refuses_feed``); ``None`` for the server's administrator importing a file."""

    def __init__(self, policy: Policy, sender: str | None = None) -> None:
        self.policy = policy
        self.sender = sender
        self.allowed = {
            role: frozenset(policy.subject_categories[role.value].fields)
            for role in Role
            if role.value in policy.subject_categories
        }
        self.sources = {  # in policy order, so that messages list them as the policy does
            role: tuple(policy.subject_categories[role.value].sources)
            for role in Role
            if role.value in policy.subject_categories
        }
        self._builders: dict[str, Callable[[Mapping[str, Any], Envelope, _Line], Event]] = {
            "prospect.collected": self._prospect_collected,
            "prospect.contacted": self._prospect_contacted,
            "contract.signed": self._contract_signed,
            "contract.ended": self._contract_ended,
            "trusted_person.designated": self._trusted_designated,
            "trusted_person.removed": self._trusted_removed,
            "contact.registered": self._contact_registered,
            "consent.given": self._consent_given,
            "consent.withdrawn": self._consent_withdrawn,
            "litigation.opened": self._litigation_opened,
            "litigation.judgment": self._litigation_judgment,
            "litigation.served": self._litigation_served,
            "litigation.appealed": self._litigation_appealed,
            "litigation.closed": self._litigation_closed,
            "call.recorded": self._call_recorded,
            "call.transcribed": self._call_transcribed,
            "alarm.raised": self._alarm_raised,
        }
        # One builder per type of domain.register.EVENTS, and no other (tests/unit/test_event_types.py).

    def parse(self, raw: bytes | str, line: int) -> Event | list[LineError]:
        """One line -> an event, or every error found on it."""
        ctx = _Line(line)
        try:
            data = self._json(raw, ctx)
            env = self._envelope(data, ctx)
            build = self._builders[data["type"]]
            body = ctx.scope(
                data,
                "",
                required={"id", "type", "at", *EVENTS[env_type(data)].required},
                optional=EVENTS[env_type(data)].optional,
            )
            event = build(body, env, ctx)
        except _Invalid:
            return ctx.errors
        return ctx.errors or event

    # -- envelope -----------------------------------------------------------------------------

    @staticmethod
    def _json(raw: bytes | str, ctx: _Line) -> dict[str, Any]:
        if len(raw) > MAX_LINE_BYTES:
            ctx.fail("(line)", f"longer than {MAX_LINE_BYTES} bytes")
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            if isinstance(raw, bytes):  # say "not UTF-8" where that is the cause, with the byte
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as bad:
                    ctx.fail("(line)", f"not UTF-8 (byte {bad.start})")
            if "depth" in exc.msg:
                ctx.fail("(line)", "JSON nested too deeply")
            ctx.fail("(line)", f"invalid JSON: {exc.msg} at column {exc.colno}")
        if not isinstance(data, dict):
            ctx.fail("(line)", f"an event is a JSON object, not {_kind(data)}")
        if (duplicate := duplicate_key_path(raw, data)) is not None:  # which value did the system mean?
            ctx.fail(duplicate, "given twice in the same object; each key once")
        return data

    def _envelope(self, data: dict[str, Any], ctx: _Line) -> Envelope:
        event_id = data.get("id")
        if not isinstance(event_id, str) or not event_id.strip():
            ctx.error("id", "missing or not a non-empty string")
        kind = data.get("type")
        if kind not in self._builders:
            ctx.error("type", f"unknown event type {kind!r}; expected one of {', '.join(self._builders)}")
        elif (refused := self.policy.refuses_feed(self.sender, kind)) is not None:
            ctx.error("type", refused)
        on, at = self._at(data.get("at"), ctx)
        if ctx.errors:
            raise _Invalid
        # The digest of the canonical form (keys sorted, compact UTF-8): the same event re-sent with
        # its keys in another order is still the same event. Stable across releases: ids rely on it.
        digest = hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()
        return Envelope(id=str(event_id), line=ctx.line, on=on, at=at, digest=digest)

    @staticmethod
    def _at(value: Any, ctx: _Line) -> tuple[date, datetime | None]:
        if not isinstance(value, str):
            found = "missing" if value is None else f"{_kind(value)}, not a string"
            ctx.error("at", f"{found}; expected YYYY-MM-DD or an ISO 8601 datetime with offset")
            return date.min, None
        if _DATE.match(value):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                ctx.error("at", f"{value!r} is not a calendar date")
                return date.min, None
            if (outside := out_of_range(day)) is not None:
                ctx.error("at", outside)
                return date.min, None
            return day, None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            ctx.error("at", f"{value!r} is neither YYYY-MM-DD nor an ISO 8601 datetime")
            return date.min, None
        if moment.tzinfo is None:
            ctx.error("at", f"{value!r} has no UTC offset: ambiguous (give +01:00, +02:00 or Z)")
            return date.min, None
        if (outside := out_of_range(moment)) is not None:  # before converting: that would overflow
            ctx.error("at", outside)
            return date.min, None
        return moment.astimezone(PARIS).date(), moment

    def _one_line(self, field: str) -> bool:
        return self.policy.rights.identity_verification.one_line(field)

    # -- parts --------------------------------------------------------------------------------

    def _role_allowed(self, role: Role, ctx: _Line, where: str) -> frozenset[str]:
        if role not in self.allowed:
            ctx.fail(where, f"the policy has no subject category '{role.value}'")
        return self.allowed[role]

    def _person(self, value: Any, role: Role, ctx: _Line, where: str) -> PersonData:
        if isinstance(value, str):
            if not value.strip():
                ctx.fail(where, "empty ref")
            return PersonData(ref=value)
        if not isinstance(value, dict):
            ctx.fail(where, f"a person is an object or a ref string, not {_kind(value)}")
        ref = value.get("ref")
        if not isinstance(ref, str) or not ref.strip():
            ctx.fail(f"{where}.ref", "missing or not a non-empty string")
        allowed = self._role_allowed(role, ctx, where)
        fields = {}
        for key, item in value.items():
            if key == "ref":
                continue
            self._field(key, item, allowed, role, ctx, f"{where}.{key}")
            fields[key] = item
        return PersonData(ref=ref, fields=fields)

    def _field(
        self, field: str, value: Any, allowed: frozenset[str], role: Role, ctx: _Line, where: str
    ) -> None:
        if field not in self.policy.fields:
            ctx.error(where, "unknown field (not declared in the policy)")
        elif field not in allowed:
            ctx.error(where, f"field not allowed for the role {role.value} (policy allow-list)")
        elif value is not None and not isinstance(value, str):
            ctx.error(where, f"expected a string, or null to erase; got {_kind(value)}")
        elif value is not None and (bad := unsafe_character(value, lines=not self._one_line(field))):
            ctx.error(where, f"holds a control character ({bad}); a value is plain text")

    def _site(self, value: Any, role: Role, ctx: _Line, where: str) -> SiteData:
        site = ctx.scope(value, where, required={"ref"}, optional=frozenset(SITE_FIELDS))
        ref = ctx.text(site, "ref", where)
        allowed = self._role_allowed(role, ctx, where)
        fields: dict[str, str | None] = {}
        for key, name in SITE_FIELDS.items():
            if key in site:
                self._field(name, site[key], allowed, role, ctx, f"{where}.{key}")
                fields[name] = site[key]
        return SiteData(ref=ref, fields=fields)

    def _source(self, value: Any, role: Role, ctx: _Line) -> Source:
        src = ctx.scope(value, "source", required={"kind"}, optional=frozenset({"ref"}))
        allowed = self.sources.get(role, ())
        try:
            kind = SourceKind(str(src.get("kind")))
        except ValueError:
            ctx.fail("source.kind", f"unknown source kind {src.get('kind')!r}")
        if kind not in allowed:
            names = ", ".join(s.value for s in allowed)
            ctx.fail(
                "source.kind", f"'{kind.value}' is not a source of the role {role.value} (policy: {names})"
            )
        ref = src.get("ref")
        if ref is not None and (not isinstance(ref, str) or not ref.strip()):
            ctx.fail("source.ref", "not a non-empty string")
        if ref is None and kind in (SourceKind.PARTNER, SourceKind.REFERRAL):
            ctx.fail("source.ref", f"required for a source of kind {kind.value}")
        return Source(kind=kind, ref=ref)

    # -- event types --------------------------------------------------------------------------

    def _prospect_collected(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        person = self._person(d.get("person"), Role.PROSPECT, ctx, "person")
        source = self._source(d.get("source"), Role.PROSPECT, ctx)
        site = self._site(d["site"], Role.PROSPECT, ctx, "site") if "site" in d else None
        return ctx.done(ProspectCollected(env, person, source, site))

    def _prospect_contacted(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        person = self._person(d.get("person"), Role.PROSPECT, ctx, "person")
        direction = ctx.choice(d, "direction", Direction)
        answered = d.get("answered")
        if not isinstance(answered, bool):
            ctx.error("answered", "missing or not true/false")
        channel = ctx.choice(d, "channel", ContactChannel) if "channel" in d else None
        outcome = ctx.choice(d, "outcome", Outcome) if "outcome" in d else None
        return ctx.done(ProspectContacted(env, person, direction, bool(answered), channel, outcome))

    def _contract_signed(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        c = ctx.scope(
            d.get("contract"),
            "contract",
            required={"ref", "offer", "site"},
            optional=frozenset({"partner", "prescriber"}),
        )
        allowed = self._role_allowed(Role.CLIENT, ctx, "contract")
        for key, name in CONTRACT_FIELDS.items():
            if key in c:
                self._field(name, c[key], allowed, Role.CLIENT, ctx, f"contract.{key}")
        site = self._site(c.get("site"), Role.CLIENT, ctx, "contract.site")
        client = self._person(d.get("client"), Role.CLIENT, ctx, "client")
        source = self._source(d.get("source"), Role.CLIENT, ctx)
        return ctx.done(
            ContractSigned(
                env,
                ctx.text(c, "ref", "contract"),
                ctx.text(c, "offer", "contract"),
                site,
                client,
                source,
                c.get("partner"),
                c.get("prescriber"),
            )
        )

    def _contract_ended(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        return ctx.done(ContractEnded(env, ctx.ref(d, "contract")))

    def _trusted_designated(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        person = self._person(d.get("person"), Role.TRUSTED_PERSON, ctx, "person")
        source = self._source(d.get("source"), Role.TRUSTED_PERSON, ctx)
        rank = d.get("rank")
        if rank is not None and (isinstance(rank, bool) or not isinstance(rank, int) or rank < 1):
            ctx.error("rank", "expected a whole number from 1 (the call order)")
        return ctx.done(TrustedPersonDesignated(env, ctx.ref(d, "site"), person, source, rank))

    def _trusted_removed(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        return ctx.done(TrustedPersonRemoved(env, ctx.ref(d, "site"), ctx.ref(d, "person")))

    def _consent_given(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        return ctx.done(consent_lines.given(self.policy, d, env, ctx))

    def _consent_withdrawn(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        return ctx.done(consent_lines.withdrawn(self.policy, d, env, ctx))

    def _contact_registered(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        person = self._person(d.get("person"), Role.OTHER_CONTACT, ctx, "person")
        source = self._source(d.get("source"), Role.OTHER_CONTACT, ctx)
        return ctx.done(ContactRegistered(env, person, ctx.ref(d, "contract"), source))

    # -- litigation ---------------------------------------------------------------

    def _litigation_opened(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        c = ctx.scope(
            d.get("case"),
            "case",
            required={"ref", "kind"},
            optional=frozenset({"persons", "contracts", "calls"}),
        )
        refs = {}
        for key in ("persons", "contracts", "calls"):
            items = c.get(key, [])
            if not isinstance(items, list) or not all(isinstance(x, str) and x.strip() for x in items):
                ctx.error(f"case.{key}", "expected a list of ref strings")
                items = []
            refs[key] = tuple(items)
        kind = ctx.choice(c, "kind", CourtKind)
        return ctx.done(
            LitigationOpened(
                env, ctx.text(c, "ref", "case"), kind, refs["persons"], refs["contracts"], refs["calls"]
            )
        )

    # -- calls ------------------------------------------------------------------------

    def _call_recorded(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        if env.at is None:
            ctx.error("at", "a call needs its time: an ISO 8601 datetime with offset, not a day")
        call = ctx.scope(d.get("call"), "call", required={"ref", "direction"}, optional=frozenset({"number"}))
        ref = ctx.text(call, "ref", "call")
        direction = call.get("direction")
        if direction not in ("inbound", "outbound"):
            ctx.error("call.direction", f"{direction!r} is not one of inbound, outbound")
        number = call.get("number")
        canonical = None
        if number is not None:
            if not isinstance(number, str):
                ctx.error("call.number", "expected a string, or null when the number was withheld")
            else:
                try:
                    canonical = canonical_number(number)
                except BadNumber as bad:
                    ctx.error("call.number", str(bad))
        person = d.get("person")
        if person is not None and (not isinstance(person, str) or not person.strip()):
            ctx.error("person", "expected a person ref string")
        flags = {}
        for key in ("recorded", "listened_live"):
            flags[key] = d.get(key)
            if not isinstance(flags[key], bool):
                ctx.error(key, "expected true or false")
        recorded_ways = self.policy.recordings.directions
        if direction in ("inbound", "outbound") and CallDirection(str(direction)) not in recorded_ways:
            # The charter announces recording of calls to its services: a call the policy does not
            # record in this direction may be reported, never recorded nor listened to live.
            for key in ("recorded", "listened_live"):
                if flags[key] is True:
                    ctx.error(key, f"the policy records no {direction} call (recordings.directions)")
        audio = d.get("audio")
        if audio is not None and (not isinstance(audio, str) or not _AUDIO_NAME.fullmatch(audio)):
            ctx.error(
                "audio",
                "expected a file name inside the audio inbox (letters, digits, '.', '_', '-'; no path)",
            )
        return ctx.done(
            CallRecorded(
                env,
                ref,
                canonical,
                str(direction),
                person,
                bool(flags["recorded"]),
                bool(flags["listened_live"]),
                audio,
            )
        )

    def _call_transcribed(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        text = d.get("text")
        if not isinstance(text, str):
            ctx.error("text", "expected the transcript as a string")
        return ctx.done(CallTranscribed(env, ctx.ref(d, "call"), str(text)))

    def _alarm_raised(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        if env.at is None:
            ctx.error("at", "an alarm needs its time: an ISO 8601 datetime with offset, not a day")
        kind = d.get("kind")
        if not isinstance(kind, str) or not ALARM_KIND.fullmatch(kind):
            ctx.error("kind", "expected 1 to 32 letters, digits, '_' or '-' (e.g. intrusion, fire, panic)")
        return ctx.done(AlarmRaised(env, ctx.ref(d, "site"), str(kind)))

    @staticmethod
    def _date(d: Mapping[str, Any], key: str, ctx: _Line, *, required: bool = True) -> date | None:
        value = d.get(key)
        if value is None and not required:
            return None
        try:
            if isinstance(value, str) and _DATE.match(value):
                day = date.fromisoformat(value)
                if (outside := out_of_range(day)) is None:
                    return day
                ctx.error(key, outside)
                return None
        except ValueError:
            pass
        ctx.error(key, f"{value!r} is not a date (YYYY-MM-DD)")
        return None

    def _litigation_judgment(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        pronounced = self._date(d, "pronounced_on", ctx)
        served = self._date(d, "served_on", ctx, required=False)
        recourse = d.get("recourse")
        if recourse not in ("appeal", "cassation", "none"):
            ctx.error("recourse", f"{recourse!r} is not one of appeal, cassation, none")
        residence = d.get("party_residence", Residence.METROPOLITAN.value)
        if residence not in {r.value for r in Residence}:
            ctx.error(
                "party_residence", f"{residence!r} is not one of {', '.join(r.value for r in Residence)}"
            )
        seat = d.get("court_seat", CourtSeat.METROPOLITAN.value)
        if seat not in {s.value for s in CourtSeat}:
            ctx.error("court_seat", f"{seat!r} is not one of {', '.join(s.value for s in CourtSeat)}")
        if pronounced is None or ctx.errors:
            raise _Invalid
        open_recourse = None if recourse == "none" else Recourse(str(recourse))
        judgment = LitigationJudgment(
            env, ctx.ref(d, "case"), pronounced, open_recourse, served, str(residence), str(seat)
        )
        return ctx.done(judgment)

    def _litigation_served(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        served = self._date(d, "served_on", ctx)
        if served is None:
            raise _Invalid
        return ctx.done(LitigationServed(env, ctx.ref(d, "case"), served))

    def _litigation_appealed(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        return ctx.done(LitigationAppealed(env, ctx.ref(d, "case")))

    def _litigation_closed(self, d: Mapping[str, Any], env: Envelope, ctx: _Line) -> Event:
        reason = d.get("reason")
        if reason not in ("settlement", "withdrawal", "final"):
            ctx.error("reason", f"{reason!r} is not one of settlement, withdrawal, final")
        return ctx.done(LitigationClosed(env, ctx.ref(d, "case"), str(reason)))


# An audio file named by the telephony: a bare name in the inbox, never a path (no '/', no '..').
_AUDIO_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}")


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number" if isinstance(value, int | float) else type(value).__name__)


def env_type(data: Mapping[str, Any]) -> str:
    return str(data["type"])


class _Line:
    """The errors of one line, and small typed readers that record them."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.errors: list[LineError] = []

    def error(self, field: str, message: str) -> None:
        self.errors.append(LineError(self.line, field, message))

    def fail(self, field: str, message: str) -> NoReturn:
        self.error(field, message)
        raise _Invalid

    def done(self, event: Event) -> Event:
        if self.errors:
            raise _Invalid
        return event

    def scope(
        self, value: Any, where: str, *, required: set[str] | frozenset[str], optional: frozenset[str]
    ) -> dict[str, Any]:
        name = where or "(event)"
        if not isinstance(value, dict):
            self.fail(name, f"missing or not an object (got {_kind(value)})")
        for key in value:
            if key not in required and key not in optional:
                self.error(f"{where}.{key}" if where else key, "unknown key")
        for key in sorted(set(required) - set(value)):
            self.error(f"{where}.{key}" if where else key, "missing")
        if self.errors:
            raise _Invalid
        return value

    def text(self, d: Mapping[str, Any], key: str, where: str) -> str:
        value = d.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}.{key}", "missing or not a non-empty string")
        return str(value)

    def ref(self, d: Mapping[str, Any], key: str) -> str:
        value = d.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "expected a ref string")
        return str(value)

    def choice(self, d: Mapping[str, Any], key: str, enum: type[E]) -> E:
        try:
            return enum(str(d.get(key)))
        except ValueError:
            options = ", ".join(m.value for m in enum)
            self.error(key, f"{d.get(key)!r} is not one of {options}")
            return next(iter(enum))
