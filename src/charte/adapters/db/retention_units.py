"""Keeping the retention units in step with the register.

After each import chunk, the units of every person the chunk touched — directly, or through a
contract or site whose dates changed (a contract's end moves its client's and its site's trusted
persons' dates) — are recomputed and replaced. The rules (which rule anchors each kind of role, how
a hold extends a unit) are ``charte.domain.retention``'s: this module gathers their facts and writes
what they decide. A batch of persons costs four queries and two bulk statements, whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, delete, select, union

from charte.adapters.db import tables as t
from charte.adapters.db.batch_lookups import among
from charte.adapters.db.bulk import insert_rows
from charte.adapters.db.hold_releases import holds_for
from charte.domain.policy import Policy
from charte.domain.retention import Contact, RoleDates, UnitKind, held_units, units_of

BATCH = 2000
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
    dialect = conn.dialect.name
    if contract_ids:
        r = t.roles.c
        sites = select(t.contracts.c.site_id).where(among(t.contracts.c.id, contract_ids, dialect))
        # Two indexed lookups, not one `contract_id IN .. OR site_id IN ..`: PostgreSQL plans that
        # OR as a scan of every role, once per chunk, which made a 2-million-event import
        # quadratic (BENCHMARKS.md, the sweep at 1M persons).
        by_contract = select(r.person_id).where(among(r.contract_id, contract_ids, dialect))
        by_site = select(r.person_id).where(r.site_id.in_(sites))
        affected |= set(conn.execute(union(by_contract, by_site)).scalars())
    return affected


def refresh_units(conn: Connection, policy: Policy, person_ids: Iterable[int], today: date) -> None:
    """Recompute and replace the retention units of these persons, with the holds on them."""
    ids = sorted(set(person_ids))
    dialect = conn.dialect.name  # ids as one parameter: one statement text whatever the batch
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
            .where(among(r.person_id, batch, dialect))
        ).all()
        site_ids = {row.site_id for row in roles if row.role == UnitKind.TRUSTED_PERSON.value}
        site_ends: dict[int, list[date | None]] = defaultdict(list)
        for site_id, ended_on in conn.execute(
            select(c.site_id, c.ended_on).where(among(c.site_id, site_ids, dialect))
        ):
            site_ends[site_id].append(ended_on)
        contacts: dict[int, list[Contact]] = defaultdict(list)
        log = t.contact_log.c
        for pid, on, direction, answered in conn.execute(
            select(log.person_id, log.on, log.direction, log.answered).where(
                among(log.person_id, batch, dialect)
            )
        ):
            contacts[pid].append(Contact(on, inbound=direction == "inbound", answered=answered))
        facts = [
            RoleDates(
                row.person_id,
                row.role,
                row.started_on,
                row.ended_on,
                row.contract_ref,
                row.contract_end,
                row.site_id,
                row.site_ref,
            )
            for row in roles
        ]
        refs = dict(
            conn.execute(
                select(t.persons.c.id, t.persons.c.ref).where(among(t.persons.c.id, batch, dialect))
            ).all()
        )
        on_person, on_contract = holds_for(
            conn, policy, refs, {row.contract_ref for row in roles if row.contract_ref}, today
        )
        units = held_units(units_of(policy, facts, site_ends, contacts), refs, on_person, on_contract, today)
        conn.execute(delete(t.retention_units).where(among(t.retention_units.c.person_id, batch, dialect)))
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
