"""`charte serve`: the web pages and the API on one port."""

from __future__ import annotations

from typing import Annotated

import typer

from charte.entrypoints.cli.context import container


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=1, max=65535)] = 8000,
) -> None:
    """Validate the policy, then serve the charter, the register and the API until interrupted."""
    import uvicorn  # imported here: the other commands should not pay for the web stack

    from charte.entrypoints.web.app import create_app

    c = container()
    loaded = c.policies.load()  # refuses to serve an invalid policy (exit 1, located errors)
    typer.echo(
        f"charte: policy {loaded.policy.id} from {loaded.source}; serving on http://{host}:{port}", err=True
    )
    uvicorn.run(create_app(c, loaded), host=host, port=port, log_level="info", access_log=False)
