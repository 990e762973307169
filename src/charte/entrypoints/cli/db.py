"""`charte db ...`: the database schema."""

from __future__ import annotations

import typer
from sqlalchemy.engine import make_url

from charte.adapters.db import migrate
from charte.entrypoints.cli.context import container

app = typer.Typer(help="The database: migrate its schema.", no_args_is_help=True, rich_markup_mode=None)


@app.command()
def upgrade() -> None:
    """Migrate the database (CHARTE_DATABASE_URL, default SQLite under .charte/) to the current schema."""
    engine = container().engine
    migrate.upgrade(engine)
    where = make_url(engine.url).render_as_string(hide_password=True)
    typer.echo(f"database {where} is at schema revision {migrate.current_revision(engine)}")
