"""`charte db ...`: the database schema."""

from __future__ import annotations

import typer
from sqlalchemy.engine import make_url

from charte.entrypoints.cli.context import container

app = typer.Typer(help="The database: migrate its schema.", no_args_is_help=True, rich_markup_mode=None)


@app.command()
def upgrade() -> None:
    """Migrate the database (CHARTE_DATABASE_URL, default SQLite under .charte/) to the current
    schema, and create the audit database's tables if it is a separate one (CHARTE_AUDIT_DATABASE_URL,
    default on SQLite: charte-audit.db beside the register)."""
    c = container()
    engine = c.engine
    revision = c.upgrade_schema()
    where = make_url(engine.url).render_as_string(hide_password=True)
    typer.echo(f"database {where} is at schema revision {revision}")
    if filled := c.settle_subjects():
        typer.echo(f"audit subjects filled for {filled} person(s) (a breach's scope resolves by them)")
    if (terms := c.settle_search()) is not None:
        typer.echo(f"person search index rebuilt for the policy's fields: {terms} terms")
    audit = c.audit_engine
    if audit is not engine:
        typer.echo(f"audit database {make_url(audit.url).render_as_string(hide_password=True)} is ready")
