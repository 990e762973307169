"""`charte serve`: the web pages and the API on one port."""

from __future__ import annotations

from datetime import time
from typing import Annotated

import typer

from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.exits import Exit


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=1, max=65535)] = 8000,
    sweep_at: Annotated[
        str, typer.Option("--sweep-at", help="Daily retention sweep, HH:MM Europe/Paris.")
    ] = "02:00",
    no_sweep: Annotated[
        bool, typer.Option("--no-sweep", help="Leave the sweep to cron (charte retention sweep).")
    ] = False,
    production: Annotated[
        bool,
        typer.Option(
            "--production", help="Refuse to start unless keys, folders and mail are set for production."
        ),
    ] = False,
) -> None:
    """Validate the policy, then serve the charter, the register and the API until interrupted;
    run the retention sweep every day. In production (`--production` or CHARTE_ENV=production)
    refuse to start, naming each setting to fix, when the installation would fail open."""
    try:
        at = None if no_sweep else time.fromisoformat(sweep_at)
    except ValueError:
        raise typer.BadParameter(f"{sweep_at!r} is not a time (HH:MM)", param_hint="--sweep-at") from None
    import uvicorn  # imported here: the other commands should not pay for the web stack

    from charte.entrypoints.web.app import create_app

    c = container(production=production)
    if c.settings.production and (problems := c.production_problems()):
        for problem in problems:
            typer.echo(f"error: production: {problem}", err=True)
        raise typer.Exit(Exit.REFUSED)
    loaded = c.policies.load()  # refuses to serve an invalid policy (exit 1, located errors)
    c.open_keys()  # a wrong or missing key stops the start, in one line naming its setting
    typer.echo(
        f"charte: policy {loaded.policy.id} from {loaded.source}; serving on http://{host}:{port}", err=True
    )
    when = "no daily sweep" if at is None else f"daily retention sweep at {at:%H:%M} Europe/Paris"
    typer.echo(f"charte: {when}", err=True)
    for exposed in [] if c.settings.production else c.settings.exposures():  # docs/settings.md
        typer.echo(f"charte: warning: {exposed}", err=True)
    uvicorn.run(create_app(c, loaded, sweep_at=at), host=host, port=port, log_level="info", access_log=False)
