"""Reads of the register in SQL: a person whole, or a filtered page of persons."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Engine, exists, func, select, true

from charte.adapters.db import tables as t
from charte.adapters.field_cipher import FieldCipher
from charte.domain.register import Role
from charte.services.person_view import (
    ContactView,
    ContractView,
    Designated,
    PersonView,
    Restriction,
    RoleView,
    SiteView,
)
from charte.services.queries import Listed, PersonFilter


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


class SqlRegisterQueries:
    """Implements ``RegisterQueries``; a person costs a fixed number of queries."""

    def __init__(self, engine: Engine, cipher: FieldCipher, encrypted: frozenset[str]) -> None:
        self.engine = engine
        self.cipher = cipher
        self.encrypted = encrypted

    def _clear(self, field: str, value: str) -> str:
        return self.cipher.decrypt(field, value) if field in self.encrypted else value

    def person(self, ref: str) -> PersonView | None:
        with self.engine.connect() as c:
            found = c.execute(
                select(t.persons.c.id, t.persons.c.restricted_since, t.persons.c.restriction_ground).where(
                    t.persons.c.ref == ref
                )
            ).first()
            if found is None:
                return None
            pid = found.id
            fields = {
                f: self._clear(f, v)
                for f, v in c.execute(
                    select(t.person_fields.c.field, t.person_fields.c.value)
                    .where(t.person_fields.c.person_id == pid)
                    .order_by(t.person_fields.c.field)
                )
            }
            sources: dict[str, list[str]] = {}
            for f, role in c.execute(
                select(t.field_sources.c.field, t.field_sources.c.role)
                .where(t.field_sources.c.person_id == pid)
                .order_by(t.field_sources.c.field, t.field_sources.c.role)
            ):
                sources.setdefault(f, []).append(role)
            r, ct, s = t.roles, t.contracts, t.sites
            roles = (
                c.execute(
                    select(r, ct.c.ref.label("contract"), s.c.ref.label("site"))
                    .outerjoin(ct, ct.c.id == r.c.contract_id)
                    .outerjoin(s, s.c.id == r.c.site_id)
                    .where(r.c.person_id == pid)
                    .order_by(r.c.started_on, r.c.id)
                )
                .mappings()
                .all()
            )
            contract_ids = {x["contract_id"] for x in roles if x["contract_id"]}
            contracts = (
                c.execute(
                    select(ct, s.c.ref.label("site"))
                    .join(s, s.c.id == ct.c.site_id)
                    .where(ct.c.id.in_(contract_ids))
                    .order_by(ct.c.signed_on)
                )
                .mappings()
                .all()
            )
            site_ids = {x["site_id"] for x in roles if x["site_id"]} | {x["site_id"] for x in contracts}
            site_fields: dict[str, dict[str, str]] = {}
            for site_ref, f, v in c.execute(
                select(s.c.ref, t.site_fields.c.field, t.site_fields.c.value)
                .join(t.site_fields, t.site_fields.c.site_id == s.c.id)
                .where(s.c.id.in_(site_ids))
                .order_by(s.c.ref, t.site_fields.c.field)
            ):
                site_fields.setdefault(site_ref, {})[f] = self._clear(f, v)
            log = (
                c.execute(
                    select(t.contact_log)
                    .where(t.contact_log.c.person_id == pid)
                    .order_by(t.contact_log.c.on, t.contact_log.c.id)
                )
                .mappings()
                .all()
            )
        restricted = (
            Restriction(_day(found.restricted_since), found.restriction_ground)
            if found.restricted_since is not None
            else None
        )
        return PersonView(
            ref=ref,
            fields=fields,
            field_sources={f: tuple(kinds) for f, kinds in sources.items()},
            roles=tuple(
                RoleView(
                    x["role"],
                    x["contract"],
                    x["site"],
                    x["source_kind"],
                    x["source_ref"],
                    _day(x["started_on"]),
                    _day(x["ended_on"]),
                    x["rank"],
                )
                for x in roles
            ),
            contracts=tuple(
                ContractView(
                    x["ref"],
                    x["offer"],
                    x["site"],
                    x["partner"],
                    x["prescriber"],
                    _day(x["signed_on"]),
                    _day(x["ended_on"]),
                )
                for x in contracts
            ),
            sites=tuple(SiteView(ref_, f) for ref_, f in sorted(site_fields.items())),
            contact_log=tuple(
                ContactView(_day(x["on"]), x["direction"], x["channel"], x["answered"], x["outcome"])
                for x in log
            ),
            restricted=restricted,
        )

    def designated_by(self, ref: str) -> list[Designated]:
        """The trusted persons designated on the sites where ``ref`` is a client, with the fields
        the client gave for them (an access answer shows other people's data only where the
        requester provided it: GDPR Art. 15(4)). Indexed look-ups: it does not grow with the register."""
        r, p, s = t.roles.c, t.persons.c, t.sites.c
        with self.engine.connect() as c:
            client_sites = (
                select(t.contracts.c.site_id)
                .join(t.roles, r.contract_id == t.contracts.c.id)
                .join(t.persons, p.id == r.person_id)
                .where(p.ref == ref, r.role == Role.CLIENT.value)
            )
            rows = c.execute(
                select(p.id, p.ref, s.ref.label("site"), r.rank, r.started_on, r.ended_on)
                .join(t.roles, r.person_id == p.id)
                .join(t.sites, s.id == r.site_id)
                .where(r.role == Role.TRUSTED_PERSON.value, r.site_id.in_(client_sites))
                .order_by(s.ref, r.rank, p.ref)
            ).all()
            ids = {row.id for row in rows}
            fields: dict[int, dict[str, str]] = {}
            pf, fs = t.person_fields.c, t.field_sources.c
            given_as_trusted = (  # not what the same person gave as a client of their own
                select(fs.person_id)
                .where(
                    fs.person_id == pf.person_id, fs.field == pf.field, fs.role == Role.TRUSTED_PERSON.value
                )
                .exists()
            )
            for pid, f, v in c.execute(
                select(pf.person_id, pf.field, pf.value).where(pf.person_id.in_(ids), given_as_trusted)
            ):
                fields.setdefault(pid, {})[f] = self._clear(f, v)
        return [
            Designated(
                row.ref, row.site, row.rank, _day(row.started_on), _day(row.ended_on), fields.get(row.id, {})
            )
            for row in rows
        ]

    def with_contact(self, fields: tuple[str, ...], value: str) -> list[str]:
        """The refs of persons who have ``value`` on file in one of ``fields`` (an e-mail in any
        case; a phone number as written or with its spaces and dots removed). Encrypted fields
        never match: their stored form is not the value."""
        pf = t.person_fields.c
        wanted = {
            value.strip(),
            value.strip().lower(),
            "".join(ch for ch in value if ch.isdigit() or ch == "+"),
        }
        wanted.discard("")
        with self.engine.connect() as c:
            return list(
                c.execute(
                    select(t.persons.c.ref)
                    .join(t.person_fields, pf.person_id == t.persons.c.id)
                    .where(pf.field.in_(fields), func.lower(pf.value).in_(wanted))
                    .distinct()
                    .order_by(t.persons.c.ref)
                    .limit(2)
                ).scalars()
            )

    def persons(self, criteria: PersonFilter) -> tuple[int, list[Listed]]:
        p, r = t.persons, t.roles
        match = select(r.c.id).where(r.c.person_id == p.c.id)
        if not criteria.include_archived:  # the role and its contract still running on criteria.today
            live_contract = select(t.contracts.c.id).where(
                t.contracts.c.id == r.c.contract_id,
                t.contracts.c.ended_on.is_not(None),
                t.contracts.c.ended_on < criteria.today,
            )
            match = match.where(r.c.ended_on.is_(None), ~exists(live_contract))
        if criteria.visible_roles is not None:
            match = match.where(r.c.role.in_(criteria.visible_roles))
        if criteria.role:
            match = match.where(r.c.role == criteria.role)
        if criteria.source:
            match = match.where(r.c.source_kind == criteria.source)
        if criteria.site:
            site_id = select(t.sites.c.id).where(t.sites.c.ref == criteria.site).scalar_subquery()
            via_contract = select(t.contracts.c.id).where(t.contracts.c.site_id == site_id)
            match = match.where((r.c.site_id == site_id) | r.c.contract_id.in_(via_contract))
        where: ColumnElement[bool] = exists(match)
        if not criteria.include_restricted:
            where = where & p.c.restricted_since.is_(None)
        with self.engine.connect() as c:
            total = c.execute(select(func.count()).select_from(p).where(where)).scalar_one()
            page = c.execute(
                select(p.c.id, p.c.ref)
                .where(where)
                .order_by(p.c.ref)
                .limit(criteria.limit)
                .offset(criteria.offset)
            ).all()
            ids = [row.id for row in page]
            roles: dict[int, list[str]] = {}
            for pid, role in c.execute(
                select(r.c.person_id, r.c.role)
                .where(r.c.person_id.in_(ids), r.c.ended_on.is_(None))
                .where(r.c.role.in_(criteria.visible_roles) if criteria.visible_roles is not None else true())
                .distinct()
                .order_by(r.c.role)
            ):
                roles.setdefault(pid, []).append(role)
        return total, [Listed(row.ref, tuple(roles.get(row.id, ()))) for row in page]
