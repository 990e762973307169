"""`charte serve`: the web pages and the API on one port."""

from __future__ import annotations

import errno
import socket
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
    reuse_port: Annotated[
        bool,
        typer.Option(
            "--reuse-port",
            help="Share the port with other charte serve processes started so (SO_REUSEPORT, Linux).",
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
    listening = listen(host, port, shared=reuse_port)  # before « serving »: a busy port is told first
    url = base_url(host, port)
    typer.echo(f"charte: policy {loaded.policy.id} from {loaded.source}; serving on {url}", err=True)
    typer.echo(f"charte: console {url}/login, portal {url}/portal, API {url}/docs", err=True)
    when = "no daily sweep" if at is None else f"daily retention sweep at {at:%H:%M} Europe/Paris"
    typer.echo(f"charte: {when}", err=True)
    for exposed in [] if c.settings.production else c.settings.exposures():  # docs/settings.md
        typer.echo(f"charte: warning: {exposed}", err=True)
    config = uvicorn.Config(create_app(c, loaded, sweep_at=at), log_level="info", access_log=False)
    uvicorn.Server(config).run(sockets=[listening])


def listen(host: str, port: int, *, shared: bool = False) -> socket.socket:
    """The listening socket, bound now: an address in use or not of this machine stops the start
    in one line (exit 4), before the server announces anything. ``shared``: SO_REUSEPORT, so that
    several processes started so listen on one port and the kernel spreads the connections among
    them (Linux socket(7)): more cores for one address, without a proxy."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
    except (OSError, UnicodeError) as exc:
        typer.echo(f"error: cannot listen on {host}: not an address of this machine ({exc})", err=True)
        raise typer.Exit(Exit.CANNOT_LISTEN) from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart right after a stop
        if shared:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            why = "the port is already in use (another charte serve?): stop it or give --port"
            if shared:
                why += " (processes share a port only when each was started with --reuse-port)"
        else:
            why = f"{exc.strerror or exc} (--host, --port)"
        typer.echo(f"error: cannot listen on {base_url(host, port)}: {why}", err=True)
        raise typer.Exit(Exit.CANNOT_LISTEN) from None
    return sock


def base_url(host: str, port: int) -> str:
    """The URL to type for ``--host``/``--port`` (an IPv6 address in brackets, RFC 3986 §3.2.2)."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
