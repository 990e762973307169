"""The access gate: who may see which fields of whom, for which purpose — decided at read time.

The policy's grants are compiled once into a table ``(role, purpose) -> {subject category ->
fields}``; a decision is then a few dictionary lookups (microseconds, BENCHMARKS.md). A person is
seen through their *standings* — each role they hold (client of a contract, trusted person of a
site...) — and a standing contributes its category's granted fields only when:

- the role may act under the purpose at all (else: ``ROLE_PURPOSE``);
- the person is not restricted (GDPR Art. 18), unless the policy lists the purpose as an
  exception with its Art. 18(2) ground (else: ``RESTRICTED``);
- the grant covers that category (else it adds nothing: ``PURPOSE_DATA`` when nothing is left);
- the category is not exclusive to other (role, purpose) pairs (``EXCLUSIVE``), and the read is
  part of the context the exclusivity asks for, if any — e.g. an open alarm session about the
  standing's site (``CONTEXT``);
- fields the policy binds to a context (``access.context_bound_fields``: a site's access
  instructions for the station) are seen only inside an open context of that kind about the
  standing's site or contract; a standing left with no field contributes nothing (``CONTEXT``);
- the standing is not archived — its contract or designation ended — or the role has archive
  access (``ARCHIVED``).

Before any of this, a staff actor whose training is not current reads nothing (``TRAINING``),
except under the purposes the policy's ``training.exempt`` lists (GDPR Art. 24(1), 32(4): staff
with access are trained; an alarm is not refused for a lapsed course). ``trained`` is the actor's
standing on the day of the read; ``None`` where no account is behind the read (the server's
administrator at the CLI, charte's own letters).

A read with no contributing standing is denied with the most telling reason. What a caller shows
is what ``Decision.seen`` lists: hidden fields are left out, not blanked.

A disclosure (``decide_disclosure``) passes one person's data on to a recipient: only to a role
the policy declares as a recipient (a provider, a subcontractor, a third party such as the
prescriber — never staff, who read for themselves), and only the fields both the discloser may
read under its own purpose and context *and* the recipient may receive, standing by standing:
one cannot pass on what one may not read oneself (GDPR Art. 5(1)(f), 29, 32(4)).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from charte.domain.accountability import Trained
from charte.domain.errors import UnknownPurpose, UnknownRole
from charte.domain.policy import Policy
from charte.domain.vocabulary import RoleKind


class Denial(StrEnum):
    ROLE_PURPOSE = "role_may_not_act_under_purpose"
    PURPOSE_DATA = "purpose_not_allowed_for_this_data"
    RESTRICTED = "person_restricted"
    ARCHIVED = "data_archived"
    EXCLUSIVE = "exclusive_to_other_roles"
    CONTEXT = "outside_the_required_context"
    NOT_A_RECIPIENT = "not_a_recipient"  # disclosures go to providers and third parties, not staff
    BEYOND_OWN_VIEW = "beyond_the_disclosers_own_view"
    TRAINING = "training_lapsed"  # a staff actor without a current data-protection training


@dataclass(frozen=True, slots=True)
class Standing:
    """One role a person holds, as far as the gate needs it."""

    category: str  # subject category id
    context: str | None  # the contract or site ref it is about
    archived: bool  # its contract or designation has ended


@dataclass(frozen=True, slots=True)
class Seen:
    """A standing that contributes to the view, with the fields it lets through; ``holds``: every
    field its subject category may hold, seen or not — so that a value the register keeps about
    the standing (its contract's ref, its rank...) is shown only when its field is let through,
    and a key that is no field of the category (a trusted person's site) describes the standing."""

    standing: Standing
    fields: frozenset[str]
    holds: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: Denial | None
    explanation: str  # names role, purpose and category only: never personal data
    seen: tuple[Seen, ...] = ()

    @property
    def fields(self) -> frozenset[str]:
        return frozenset().union(*(s.fields for s in self.seen))

    def narrowed(self, only: frozenset[str]) -> Decision:
        """The same decision letting through only ``only`` of what it allowed (GDPR Art. 5(1)(c):
        a reader who needs less is given less — a search's candidates show who they are, not all
        the gate would allow). The standings stay: which roles the person has is still shown."""
        seen = tuple(Seen(s.standing, s.fields & only, s.holds) for s in self.seen)
        return Decision(self.allowed, self.reason, self.explanation, seen)


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What the read is part of: an open alarm session, a rights request... (rules may need it).

    ``about``: the site and contract refs the context concerns. A rule that asks for a context
    lets a standing through only when the standing's own site or contract is among them — an open
    alarm on one site opens nothing about another site's trusted persons.
    """

    kind: str
    ref: str
    about: frozenset[str] = frozenset()

    def covers(self, kind: str, standing: Standing) -> bool:
        return self.kind == kind and standing.context is not None and standing.context in self.about


class AccessGate:
    """The policy's access rules, compiled once; ``decide`` is the one question every read asks."""

    def __init__(self, policy: Policy) -> None:
        self.roles = frozenset(policy.roles)
        # Who data may be disclosed to: every role but the operator's own staff (GDPR Art. 4(9):
        # a recipient is one the data are disclosed to; staff read under their own grants).
        self.recipients = frozenset(r.id for r in policy.roles.values() if r.kind is not RoleKind.STAFF)
        self.purposes = frozenset(policy.purposes)
        self.archive_roles = frozenset(r.id for r in policy.roles.values() if r.archive_access)
        # Training gates the operator's own staff (the providers' staff are their employers' duty,
        # Art. 28(3)(b)); no `training` section: nobody is gated.
        self.trained_roles = (
            frozenset(r.id for r in policy.roles.values() if r.kind is RoleKind.STAFF)
            if policy.training is not None
            else frozenset()
        )
        self.training_exempt = frozenset(policy.training.exempt if policy.training is not None else ())
        self.category_fields = {c.id: frozenset(c.fields) for c in policy.subject_categories.values()}
        self.holds_managers = frozenset(policy.access.holds_managed_by)
        self.restriction_exceptions = frozenset(e.purpose for e in policy.access.restriction_exceptions)
        # category -> {(role, purpose): the context kind the read must be part of, or None}
        self.exclusive: Mapping[str, Mapping[tuple[str, str], str | None]] = {
            category: {(e.role, e.purpose): e.context for e in entries}
            for category, entries in policy.access.exclusive.items()
        }
        # (role, purpose) -> [(context kind, fields seen only inside an open context of that kind)]
        bound: dict[tuple[str, str], list[tuple[str, frozenset[str]]]] = {}
        for b in policy.access.context_bound_fields:
            bound.setdefault((b.role, b.purpose), []).append((b.context, frozenset(b.fields)))
        self.context_bound: Mapping[tuple[str, str], tuple[tuple[str, frozenset[str]], ...]] = {
            key: tuple(value) for key, value in bound.items()
        }
        table: dict[tuple[str, str], dict[str, set[str]]] = {}
        for role in policy.roles.values():
            for grant in role.grants:
                categories = (
                    grant.subjects if grant.subjects is not None else tuple(policy.subject_categories)
                )
                for purpose in grant.purposes:
                    by_category = table.setdefault((role.id, purpose), {})
                    for cat in categories:
                        own = (
                            policy.subject_categories[cat].fields if cat in policy.subject_categories else ()
                        )
                        wanted = own if grant.fields is None else [f for f in grant.fields if f in own]
                        by_category.setdefault(cat, set()).update(wanted)
        self.table: Mapping[tuple[str, str], Mapping[str, frozenset[str]]] = {
            key: {cat: frozenset(fields) for cat, fields in cats.items() if fields}
            for key, cats in table.items()
        }

        # Listening to recordings (docs/calls.md): the policy's listeners, under a recording purpose
        # their grants give them `call_audio` for.
        rec = policy.recordings
        self.listeners = frozenset(rec.listeners)
        self.recording_purposes = frozenset(rec.purposes)
        self.objection_stops = frozenset(rec.opposition_stops)
        self.audio_grants = frozenset(
            (role.id, purpose)
            for role in policy.roles.values()
            for grant in role.grants
            if grant.fields is None or "call_audio" in grant.fields
            for purpose in grant.purposes
        )

    def may_listen(
        self,
        role: str,
        purpose: str,
        *,
        objected: bool,
        restricted: bool = False,
        trained: Trained | None = None,
    ) -> Decision:
        """May this role play or download a recording for this purpose? ``objected``: the caller
        objected to recording, so only the purposes an objection leaves standing remain;
        ``restricted``: the caller restricted their data (GDPR Art. 18), so only the policy's
        restriction exceptions remain."""
        self.require_role(role)
        if purpose not in self.purposes:
            raise UnknownPurpose(purpose, self.purposes)
        untrained = self.untrained(role, purpose, trained)
        if untrained is not None:
            return untrained
        if role not in self.listeners:
            return Decision(
                False,
                Denial.ROLE_PURPOSE,
                f"role '{role}' may not listen to recordings (policy: recordings.listeners)",
            )
        if purpose not in self.recording_purposes or (role, purpose) not in self.audio_grants:
            return Decision(
                False,
                Denial.PURPOSE_DATA,
                f"role '{role}' may not listen to recordings for purpose '{purpose}'",
            )
        if restricted and purpose not in self.restriction_exceptions:
            return Decision(
                False,
                Denial.RESTRICTED,
                f"the caller's data are restricted (GDPR Art. 18): purpose '{purpose}' is not one "
                "of the policy's exceptions",
            )
        if objected and purpose in self.objection_stops:
            return Decision(
                False,
                Denial.PURPOSE_DATA,
                f"the caller objected to recording: purpose '{purpose}' is one an objection stops",
            )
        return Decision(True, None, f"role '{role}' may listen to recordings for '{purpose}'")

    def require_role(self, role: str) -> None:
        if role not in self.roles:
            raise UnknownRole(role, self.roles)

    def may_manage_holds(self, role: str) -> Decision:
        """Placing, judging and lifting litigation holds: the policy's ``holds_managed_by``."""
        self.require_role(role)
        if role in self.holds_managers:
            return Decision(True, None, f"role '{role}' manages litigation holds")
        return Decision(
            False,
            Denial.ROLE_PURPOSE,
            f"role '{role}' may not manage litigation holds (policy: access.holds_managed_by)",
        )

    def may_see_retention(self, role: str) -> Decision:
        """Who sees the retention state — litigation cases and the schedule of units (refs and
        dates): the holds' managers and the roles with archive access (they answer for what is
        kept, and until when)."""
        self.require_role(role)
        if role in self.holds_managers or role in self.archive_roles:
            return Decision(True, None, f"role '{role}' may see litigation holds and the retention schedule")
        return Decision(
            False,
            Denial.ROLE_PURPOSE,
            f"role '{role}' may not see litigation holds or the retention schedule",
        )

    def untrained(self, role: str, purpose: str, trained: Trained | None) -> Decision | None:
        """The refusal of a staff actor whose training is not current, or ``None``."""
        if (
            trained is None
            or trained.current
            or role not in self.trained_roles
            or purpose in self.training_exempt
        ):
            return None
        return Decision(
            False,
            Denial.TRAINING,
            f"{trained.describe()}: staff read personal data only with a current data-protection "
            "training (policy: training)",
        )

    def check(self, role: str, purpose: str, *, trained: Trained | None = None) -> Decision:
        """May this role act under this purpose at all? Unknown names raise (an input error)."""
        self.require_role(role)
        if purpose not in self.purposes:
            raise UnknownPurpose(purpose, self.purposes)
        if (role, purpose) not in self.table:
            return Decision(
                False, Denial.ROLE_PURPOSE, f"role '{role}' may not act under purpose '{purpose}'"
            )
        # Inlined (every read asks): a current training costs one comparison.
        if trained is not None and not (trained.until is not None and trained.on <= trained.until):
            untrained = self.untrained(role, purpose, trained)
            if untrained is not None:
                return untrained
        return Decision(True, None, f"role '{role}' may act under purpose '{purpose}'")

    def visible_categories(
        self, role: str, purpose: str, context: ReadContext | None = None
    ) -> frozenset[str]:
        """The subject categories whose open (not archived) standings this role may see for this
        purpose: what a list of persons may show."""
        if not self.check(role, purpose).allowed:
            return frozenset()
        probe = [Standing(category, None, archived=False) for category in self.table[(role, purpose)]]
        return frozenset(s.standing.category for s in self.decide(role, purpose, probe, context=context).seen)

    def decide(
        self,
        role: str,
        purpose: str,
        standings: Iterable[Standing],
        *,
        restricted: bool = False,
        context: ReadContext | None = None,
        trained: Trained | None = None,
    ) -> Decision:
        """The fields of one person this role may see for this purpose, or why nothing."""
        verdict = self.check(role, purpose, trained=trained)
        if not verdict.allowed:
            return verdict
        if restricted and purpose not in self.restriction_exceptions:
            return Decision(
                False,
                Denial.RESTRICTED,
                f"the person's data are restricted (GDPR Art. 18): purpose '{purpose}' is not one "
                "of the policy's exceptions",
            )
        granted = self.table[(role, purpose)]
        bound = self.context_bound.get((role, purpose), ())
        seen: list[Seen] = []
        refused: list[tuple[Denial, str]] = []
        for standing in standings:
            fields = granted.get(standing.category)
            if not fields:
                continue
            owners = self.exclusive.get(standing.category)
            if owners is not None:
                if (role, purpose) not in owners:
                    refused.append((Denial.EXCLUSIVE, standing.category))
                    continue
                needed = owners[(role, purpose)]
                if needed is not None and (context is None or not context.covers(needed, standing)):
                    refused.append((Denial.CONTEXT, standing.category))
                    continue
            for kind, only_inside in bound:
                if context is None or not context.covers(kind, standing):
                    fields = fields - only_inside
            if not fields:
                refused.append((Denial.CONTEXT, standing.category))
                continue
            if standing.archived and role not in self.archive_roles:
                refused.append((Denial.ARCHIVED, standing.category))
                continue
            seen.append(Seen(standing, fields, self.category_fields.get(standing.category, frozenset())))
        if seen:
            return Decision(True, None, f"role '{role}' may see these fields for '{purpose}'", tuple(seen))
        if refused:
            reason, category = refused[0]
            if reason is Denial.ARCHIVED:
                why = f"the '{category}' data are archived: only roles with archive access may read them"
            elif reason is Denial.CONTEXT:
                needed = self.exclusive.get(category, {}).get((role, purpose)) or next(
                    (kind for kind, _ in bound), "context"
                )
                why = f"the '{category}' data are readable for '{purpose}' only within an open {needed}"
            else:
                why = f"the '{category}' data are reserved to other roles and purposes"
            return Decision(False, reason, why)
        return Decision(
            False,
            Denial.PURPOSE_DATA,
            f"purpose '{purpose}' does not allow role '{role}' to see this person's data",
        )

    def decide_disclosure(
        self,
        role: str,
        purpose: str,
        recipient: str,
        to_purpose: str,
        standings: Iterable[Standing],
        *,
        restricted: bool = False,
        context: ReadContext | None = None,
        trained: Trained | None = None,
    ) -> Decision:
        """What ``role`` (reading for ``purpose`` within ``context``) may pass on of one person to
        ``recipient`` for ``to_purpose``: per standing, the fields both may see; or why nothing.

        The discloser is judged first (a role that may not read the person learns nothing of the
        recipient's rights), then the recipient (who reads in no context of the discloser's: an
        open alarm session is the operator's, not the provider's)."""
        self.require_role(recipient)
        if to_purpose not in self.purposes:
            raise UnknownPurpose(to_purpose, self.purposes)
        held = list(standings)
        own = self.decide(role, purpose, held, restricted=restricted, context=context, trained=trained)
        if not own.allowed:
            return own
        if recipient not in self.recipients:
            return Decision(
                False,
                Denial.NOT_A_RECIPIENT,
                f"role '{recipient}' is the operator's staff, not a recipient: staff read under "
                "their own role and purpose",
            )
        theirs = self.decide(recipient, to_purpose, held, restricted=restricted)
        if not theirs.allowed:
            return theirs
        mine: dict[Standing, frozenset[str]] = {}
        for s in own.seen:
            mine[s.standing] = mine.get(s.standing, frozenset()) | s.fields
        seen = tuple(
            Seen(s.standing, s.fields & mine[s.standing], s.holds)
            for s in theirs.seen
            if s.fields & mine.get(s.standing, frozenset())
        )
        if not seen:
            return Decision(
                False,
                Denial.BEYOND_OWN_VIEW,
                f"nothing role '{recipient}' may receive for '{to_purpose}' is in what role '{role}' "
                f"may read for '{purpose}'",
            )
        return Decision(
            True,
            None,
            f"role '{role}' may pass these fields on to '{recipient}' for '{to_purpose}'",
            seen,
        )
