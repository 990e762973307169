"""`charte persons ...`: read the register."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import emit_json
from charte.entrypoints.cli.reader import AsOpt, PurposeOpt, reader
from charte.services import person_search, queries

app = typer.Typer(help="Read the register of persons.", no_args_is_help=True, rich_markup_mode=None)


class ViewFormat(StrEnum):
    JSON = "json"
    TABLE = "table"


FormatOpt = Annotated[ViewFormat, typer.Option("--format", help="Output format.")]


@app.command()
def show(
    ref: Annotated[str, typer.Argument(help="The person's ref.")],
    fmt: FormatOpt = ViewFormat.TABLE,
    role: AsOpt = None,
    purpose: PurposeOpt = None,
) -> None:
    """A person as your role may see them for the purpose: roles, provenance, contracts, sites,
    designations and contact log, each only if the access gate lets it through."""
    who = reader(role, purpose)
    c = container()
    person = queries.show_person(
        queries=c.register_queries(), gate=c.gate, auditor=c.auditor, reader=who, ref=ref
    )
    if fmt is ViewFormat.JSON:
        emit_json(person)
        return
    typer.echo(f"person {person['ref']}")
    for name, value in person["fields"].items():
        typer.echo(f"  {name}: {value}  [{', '.join(person['field_sources'].get(name, []))}]")
    typer.echo("roles:")
    for r in person["roles"]:
        # The gate leaves out a role's keys whose field the reader may not see (services.access
        # ROLE_FIELDS: a contract's dates, the partner it came through): shown as "-".
        context = r.get("contract") or r.get("site") or "-"
        until = r.get("ended_on") or ("open" if "ended_on" in r else "-")
        found = r.get("source")
        source = "-" if found is None else found["kind"] + (f" {found['ref']}" if found.get("ref") else "")
        typer.echo(f"  {r['role']:<15} {context:<12} {r.get('started_on', '-')} -> {until:<10} from {source}")
    _section(
        "contracts",
        person["contracts"],
        lambda c: f"{c['ref']} {c['offer']} site {c['site']} {c['signed_on']} -> {c['ended_on'] or 'active'}",
    )
    _section("sites", person["sites"], lambda s: f"{s['ref']}: {', '.join(sorted(s['fields']))}")
    _section(
        "contact log",
        person["contact_log"],
        lambda x: f"{x['on']} {x['direction']} {x['channel'] or ''}".rstrip(),
    )


def _section(title: str, rows: list[dict[str, Any]], line: Any) -> None:
    if rows:
        typer.echo(f"{title}:")
        for row in rows:
            typer.echo(f"  {line(row)}")


@app.command(name="list")
def list_(
    role: Annotated[str | None, typer.Option("--role", help="Only persons with a role of this kind.")] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Only roles collected from this source kind.")
    ] = None,
    site: Annotated[str | None, typer.Option("--site", help="Only persons linked to this site.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0, max=2**31 - 1)] = 0,
    fmt: FormatOpt = ViewFormat.TABLE,
    as_role: AsOpt = None,
    purpose: PurposeOpt = None,
) -> None:
    """Persons matching the filters with an open role your role may see for the purpose (archived
    ones too for roles with archive access), a page at a time, ordered by ref."""
    who = reader(as_role, purpose)
    criteria = queries.PersonFilter(role=role, source=source, site=site, limit=limit, offset=offset)
    c = container()
    page = queries.list_persons(
        queries=c.register_queries(), gate=c.gate, auditor=c.auditor, reader=who, criteria=criteria
    )
    if fmt is ViewFormat.JSON:
        emit_json(page)
        return
    for p in page["persons"]:
        typer.echo(f"{p['ref']:<20} {', '.join(p['open_roles']) or '(no open role)'}")
    shown = len(page["persons"])
    typer.echo(f"{offset + 1 if shown else 0}-{offset + shown} of {page['total']}")


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="A name, an e-mail address, a phone number or a ref.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=person_search.MAX_LIMIT)] = person_search.LIMIT,
    fmt: FormatOpt = ViewFormat.TABLE,
    as_role: AsOpt = None,
    purpose: PurposeOpt = None,
) -> None:
    """The persons a name (each word from its beginning, without case or accents), an e-mail
    address or a phone number (whole, in any usual spelling) or a ref names, each as your role may
    see them for the purpose. Audited as a search (how, and how many: never the text) and as a read
    of each person shown."""
    who = reader(as_role, purpose)
    c = container()
    found = person_search.search(
        finder=c.person_search(),
        queries=c.register_queries(),
        gate=c.gate,
        auditor=c.auditor,
        reader=who,
        text=text,
        limit=limit,
    )
    if fmt is ViewFormat.JSON:
        emit_json(found.as_dict())
        return
    searched = set(c.policy.search.fields)
    for person in found.candidates:
        shown = [v for f, v in person["fields"].items() if f in searched]
        roles = sorted({r["role"] for r in person["roles"]})
        typer.echo(f"{person['ref']:<20} {' '.join(shown)}  [{', '.join(roles)}]")
    typer.echo(f"{len(found.candidates)} found" + (", more: type more of the name" if found.more else ""))
    if found.withheld:
        typer.echo(f"{found.withheld} more your role may not see for this purpose")


@app.command()
def reindex() -> None:
    """Rebuild the person search's index from the fields on file (after the policy's `search`
    section changed; `charte db upgrade` does it when needed)."""
    terms = container().person_search().rebuild()
    typer.echo(f"person search index rebuilt: {terms} terms")
