"""Reading personal data through the gate: who reads, for what, and what they are shown.

Every read of a person — CLI, API, console, letters — comes through here with a ``Reader``
(actor, role, purpose, context). The gate (``charte.domain.access``) decides from the person's
standings; ``shape_person`` then keeps only what the decision lets through. Hidden fields are
absent, not blanked: a reader cannot even tell a hidden field exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from charte.domain.access import AccessGate, Decision, Denial, ReadContext, Standing
from charte.domain.accountability import Trained
from charte.services.errors import Refused
from charte.services.person_view import PersonView

# A contract's columns, as the policy's field names (the register keeps them on the contract).
CONTRACT_FIELDS = {
    "offer": "offer",
    "signed_on": "contract_start",
    "ended_on": "contract_end",
    "partner": "partner",
    "prescriber": "prescriber",
}


# A role's keys beyond its kind, as the policy fields whose values they are. Where the standing's
# category holds that field, the key shows only when the field is let through (an operator
# handling an alarm does not get the client's contract ref through ``roles[].contract``); where
# it does not, the key describes the standing itself (a trusted person's site, a prospect's
# collection date) and shows with it. ``source`` is where the data came from: for a client, the
# partner the contract was sold through (the ``partner`` field).
ROLE_FIELDS = {
    "contract": "contract_ref",
    "site": "site_address",
    "started_on": "contract_start",
    "ended_on": "contract_end",
    "rank": "trusted_person_rank",
    "source": "partner",
}


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads, in which role, for which purpose, as part of what — and, for an account (an API
    token, a console login), its training on the day (``None``: no account behind the read)."""

    actor: str
    role: str
    purpose: str
    context: ReadContext | None = None
    trained: Trained | None = None


class AccessDenied(Refused):
    """The gate refused the read; ``reason`` is the denial code, the message says why."""

    def __init__(self, decision: Decision) -> None:
        self.reason: Denial | None = decision.reason
        super().__init__(f"access denied ({decision.reason}): {decision.explanation}")


def require(decision: Decision) -> Decision:
    """The decision if it allows; ``AccessDenied`` with its reason otherwise."""
    if not decision.allowed:
        raise AccessDenied(decision)
    return decision


def standings(person: PersonView, today: date) -> list[Standing]:
    """The roles a person holds, as the gate sees them: a role that ended, or whose contract
    ended, before today is archived (a contract is live through its last day)."""
    contract_end = {c.ref: c.ended_on for c in person.contracts}
    found = []
    for r in person.roles:
        ends = [d for d in (r.ended_on, contract_end.get(r.contract or "")) if d is not None]
        archived = any(date.fromisoformat(d) < today for d in ends)
        found.append(Standing(r.role, r.contract or r.site, archived))
    return found


def decide(gate: AccessGate, reader: Reader, person: PersonView, today: date) -> Decision:
    restricted = person.restricted is not None
    return gate.decide(
        reader.role,
        reader.purpose,
        standings(person, today),
        restricted=restricted,
        context=reader.context,
        trained=reader.trained,
    )


def shape_person(person: PersonView, decision: Decision, today: date) -> dict[str, Any]:
    """The person as ``decision`` lets the reader see them: only seen roles, fields, contracts,
    sites and contact log; a person field shows only if a seen role both grants it and is one of
    the roles it was collected for (an archived client's email does not leak through a prospect
    role it was never given for)."""
    seen = decision.seen
    sources = person.field_sources

    fields = {
        f: v
        for f, v in person.fields.items()
        if any(f in s.fields and s.standing.category in sources.get(f, []) for s in seen)
    }
    granted: dict[tuple[str, str | None], set[str]] = {}  # the fields each seen role lets through
    holds: dict[tuple[str, str | None], frozenset[str]] = {}
    for s in seen:
        key = (s.standing.category, s.standing.context)
        granted.setdefault(key, set()).update(s.fields)
        holds[key] = holds.get(key, frozenset()) | s.holds
    roles = [r for r in person.roles if (r.role, r.contract or r.site) in granted]
    shown_roles = []
    for r in roles:
        key = (r.role, r.contract or r.site)
        shown_roles.append(
            {
                k: v
                for k, v in r.as_dict().items()
                if k not in ROLE_FIELDS or ROLE_FIELDS[k] not in holds[key] or ROLE_FIELDS[k] in granted[key]
            }
        )
    by_contract: dict[str, set[str]] = {}
    by_site: dict[str, set[str]] = {}
    for r in roles:
        through = granted[(r.role, r.contract or r.site)]
        if r.contract:
            by_contract.setdefault(r.contract, set()).update(through)
        if r.site:
            by_site.setdefault(r.site, set()).update(through)
    contracts = []
    for c in person.contracts:
        allowed = by_contract.get(c.ref)
        if allowed is None:
            continue
        by_site.setdefault(c.site, set()).update(allowed)
        shown: dict[str, Any] = {"ref": c.ref} if "contract_ref" in allowed else {}
        shown |= {k: getattr(c, k) for k, f in CONTRACT_FIELDS.items() if f in allowed}
        if shown and "site_address" in allowed:  # which site, for a reader who sees the contract
            shown["site"] = c.site
        if "contract_status" in allowed:
            ended = c.ended_on is not None and date.fromisoformat(c.ended_on) < today
            shown["status"] = "ended" if ended else "active"
        if shown:
            contracts.append(shown)
    sites = []
    for site in person.sites:
        allowed = by_site.get(site.ref, set())
        kept = {f: v for f, v in site.fields.items() if f in allowed}
        if kept:
            sites.append({"ref": site.ref, "fields": kept})
    shaped: dict[str, Any] = {
        "ref": person.ref,
        "fields": fields,
        "field_sources": {f: list(sources[f]) for f in fields if f in sources},
        "roles": shown_roles,
        "contracts": contracts,
        "sites": sites,
        "contact_log": [x.as_dict() for x in person.contact_log] if "contact_log" in decision.fields else [],
        "restricted": person.restricted.as_dict() if person.restricted else None,
    }
    return shaped


def fields_shown(view: dict[str, Any], allowed: frozenset[str] | set[str]) -> list[str]:
    """The field names a shaped view really carries — values present, not merely allowed — so that
    the disclosure ledger (and the Art. 15 and Art. 19 answers built on it) says what left."""
    present = set(view["fields"]) | {f for site in view["sites"] for f in site["fields"]}
    for contract in view["contracts"]:
        present |= {field for key, field in CONTRACT_FIELDS.items() if contract.get(key) is not None}
        present |= {"contract_ref"} if "ref" in contract else set()
        present |= {"contract_status"} if "status" in contract else set()
    if view["contact_log"]:
        present.add("contact_log")
    return sorted(present & set(allowed))
