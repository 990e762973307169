"""Keeping the retention units in step with the register (issue 4 §2).

After each import chunk, the units of every person the chunk touched — directly, or through a
contract or site whose dates changed (a contract's end moves its client's and its site's trusted
persons' dates) — are recomputed from their facts with ``charte.domain.retention`` and replaced.
A batch of persons costs four queries and two bulk statements, whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, select, union

from charte.adapters.db import tables as t
from charte.adapters.db.bulk import insert_rows
from charte.adapters.db.hold_releases import holds_for
from charte.domain.policy import Policy
from charte.domain.retention import (
    Contact,
    Schedule,
    UnitKind,
    apply_holds,
    designation_end,
    last_day_designated,
    prospect_anchor,
    schedule,
)

BATCH = 2000
PER_CONTRACT = (UnitKind.CLIENT.value, UnitKind.OTHER_CONTACT.value)
COLUMNS = (
    "person_id",
    "kind",
    "context",
    "rule",
    "status",
    "retention_end",
    "purge_due",
    "review_reason",
    "held_by",
)


def affected_by(conn: Connection, person_ids: Iterable[int], contract_ids: Iterable[int]) -> set[int]:
    """The persons whose units may have moved: those named, and those tied to the contracts (or to
    the sites of the contracts) that were signed or ended."""
    affected = set(person_ids)
    contract_ids = list(contract_ids)
    if contract_ids:
        r = t.roles.c
        sites = select(t.contracts.c.site_id).where(t.contracts.c.id.in_(contract_ids))
        # Two indexed lookups, not one `contract_id IN .. OR site_id IN ..`: PostgreSQL plans that
        # OR as a scan of every role, once per chunk, which made a 2-million-event import
        # quadratic (BENCHMARKS.md, the sweep at 1M persons).
        by_contract = select(r.person_id).where(r.contract_id.in_(contract_ids))
        by_site = select(r.person_id).where(r.site_id.in_(sites))
        affected |= set(conn.execute(union(by_contract, by_site)).scalars())
    return affected


def _units(
    policy: Policy,
    roles: Sequence[Any],
    site_ends: dict[int, list[date | None]],
    contacts: dict[int, list[Contact]],
) -> dict[tuple[int, str, str], Schedule]:
    def rule(kind: UnitKind) -> tuple[str, Any] | None:
        category = policy.subject_categories.get(kind.value)
        return (category.retention, policy.retention[category.retention]) if category else None

    units: dict[tuple[int, str, str], Schedule] = {}
    prospects: dict[int, date] = {}
    designations: dict[tuple[int, int], Any] = {}
    for row in roles:
        kind = UnitKind(row.role)
        if kind in (UnitKind.CLIENT, UnitKind.OTHER_CONTACT):
            found = rule(kind)
            if found:
                units[(row.person_id, kind.value, row.contract_ref)] = schedule(
                    *found, row.contract_end, running=row.contract_end is None
                )
        elif kind is UnitKind.PROSPECT:
            prospects[row.person_id] = max(prospects.get(row.person_id, row.started_on), row.started_on)
        else:  # the latest designation of a person for a site decides
            key = (row.person_id, row.site_id)
            if key not in designations or row.started_on >= designations[key].started_on:
                designations[key] = row
    prospect_rule = rule(UnitKind.PROSPECT)
    if prospect_rule:
        for pid, collected in prospects.items():
            anchor = prospect_anchor(collected, contacts.get(pid, []), prospect_rule[1].contacts_reset_clock)
            units[(pid, UnitKind.PROSPECT.value, "")] = schedule(*prospect_rule, anchor, running=False)
    trusted_rule = rule(UnitKind.TRUSTED_PERSON)
    if trusted_rule:
        for (pid, site_id), row in designations.items():
            end, running = designation_end(row.ended_on, site_ends.get(site_id, []))
            anchor = last_day_designated(end) if end else None
            units[(pid, UnitKind.TRUSTED_PERSON.value, row.site_ref)] = schedule(
                *trusted_rule,
                anchor,
                running=running,
                missing="the site has no contract to end the designation",
            )
    return units


def refresh_units(conn: Connection, policy: Policy, person_ids: Iterable[int], today: date) -> None:
    """Recompute and replace the retention units of these persons, with the holds on them."""
    ids = sorted(set(person_ids))
    r, c, s = t.roles.c, t.contracts.c, t.sites.c
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        roles = conn.execute(
            select(
                r.person_id,
                r.role,
                r.started_on,
                r.ended_on,
                r.site_id,
                c.ref.label("contract_ref"),
                c.ended_on.label("contract_end"),
                s.ref.label("site_ref"),
            )
            .outerjoin(t.contracts, c.id == r.contract_id)
            .outerjoin(t.sites, s.id == r.site_id)
            .where(r.person_id.in_(batch))
        ).all()
        site_ids = {row.site_id for row in roles if row.role == UnitKind.TRUSTED_PERSON.value}
        site_ends: dict[int, list[date | None]] = defaultdict(list)
        for site_id, ended_on in conn.execute(select(c.site_id, c.ended_on).where(c.site_id.in_(site_ids))):
            site_ends[site_id].append(ended_on)
        contacts: dict[int, list[Contact]] = defaultdict(list)
        log = t.contact_log.c
        for pid, on, direction, answered in conn.execute(
            select(log.person_id, log.on, log.direction, log.answered).where(log.person_id.in_(batch))
        ):
            contacts[pid].append(Contact(on, inbound=direction == "inbound", answered=answered))
        units = _units(policy, roles, site_ends, contacts)
        refs = dict(
            conn.execute(select(t.persons.c.id, t.persons.c.ref).where(t.persons.c.id.in_(batch))).all()
        )
        on_person, on_contract = holds_for(
            conn, policy, refs, {row.contract_ref for row in roles if row.contract_ref}, today
        )
        if on_person or on_contract:
            for (pid, kind, context), unit in units.items():
                holds = on_person.get(refs[pid], []) + (
                    on_contract.get(context, []) if kind in PER_CONTRACT else []
                )
                units[(pid, kind, context)] = apply_holds(unit, holds, today)
        conn.execute(delete(t.retention_units).where(t.retention_units.c.person_id.in_(batch)))
        insert_rows(
            conn,
            t.retention_units,
            COLUMNS,
            [
                (
                    pid,
                    kind,
                    context,
                    u.rule,
                    u.status.value,
                    u.retention_end,
                    u.purge_due,
                    u.review_reason,
                    ",".join(u.held_by) or None,
                )
                for (pid, kind, context), u in units.items()
            ],
        )
