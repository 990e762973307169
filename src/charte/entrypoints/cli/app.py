"""The `charte` command line: its commands, and the one place errors become exit codes."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import typer
from sqlalchemy.exc import DBAPIError

from charte import __version__
from charte.bootstrap import bootstrap
from charte.domain.errors import DomainError
from charte.entrypoints.cli import (
    accountability,
    actors,
    audit,
    breaches,
    calls,
    consents,
    datasets,
    db,
    demo,
    disclose,
    events,
    holds,
    inspection,
    keys,
    notices,
    outbox,
    persons,
    policy,
    prospecting,
    recordings,
    register,
    retention,
    rights,
    serve,
    trainings,
)
from charte.entrypoints.cli import report as annual
from charte.entrypoints.cli.exits import Exit, report
from charte.services.audit import audit_scope
from charte.services.errors import ServiceError


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="charte",
        help="charte: a data-protection charter as enforced code.",
        no_args_is_help=True,
        add_completion=True,  # charte --install-completion [--show-completion]: bash, zsh, fish, PowerShell
        pretty_exceptions_enable=False,
        # Plain usage errors: docs/cli.md promises one line per error on stderr, not a box.
        rich_markup_mode=None,
    )

    def _version(value: bool) -> None:
        if value:
            typer.echo(__version__)
            raise typer.Exit(Exit.OK)

    @app.callback()
    def _root(
        version: bool = typer.Option(
            False, "--version", help="Print the version and exit.", is_eager=True, callback=_version
        ),
    ) -> None:
        """charte: a data-protection charter as enforced code."""

    app.add_typer(policy.app, name="policy")
    app.add_typer(db.app, name="db")
    app.add_typer(events.app, name="events")
    app.add_typer(persons.app, name="persons")
    app.add_typer(outbox.app, name="outbox")
    app.add_typer(demo.app, name="demo")
    app.add_typer(retention.app, name="retention")
    app.add_typer(holds.app, name="holds")
    app.add_typer(actors.app, name="actors")
    app.add_typer(audit.app, name="audit")
    app.add_typer(rights.app, name="rights")
    app.add_typer(notices.app, name="notices")
    app.add_typer(calls.app, name="calls")
    app.add_typer(recordings.app, name="recordings")
    app.add_typer(keys.app, name="keys")
    app.add_typer(prospecting.app, name="prospecting")
    app.add_typer(consents.app, name="consents")
    app.add_typer(breaches.app, name="breaches")
    app.add_typer(trainings.app, name="trainings")
    app.add_typer(datasets.app, name="datasets")
    app.add_typer(inspection.app, name="inspection")
    app.command(name="register")(register.register)
    app.command(name="report")(annual.report)
    app.command(name="accountability")(accountability.accountability)
    app.command(name="disclose")(disclose.disclose)
    app.command(name="serve")(serve.serve)
    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (docs/cli.md).

    Typer reports its own usage errors (exit 2) in standalone mode; charte's errors are mapped
    here, so that a refusal is 1 and a missing thing 3 whichever command raised it.
    """
    command = typer.main.get_command(build_app())
    whole_summaries(command)
    args = list(argv) if argv is not None else sys.argv[1:]
    stdout = sys.stdout
    with audit_scope() as written:
        try:
            command.main(args=args, prog_name="charte")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else Exit.REFUSED
            if sys.stdout is not stdout:
                # The reader stopped reading (`charte retention schedule | head`): Typer caught
                # the broken pipe, silenced stdout and exits 1, which here means « refused ». It is
                # not an error of charte's: what was asked was done and read as far as wanted.
                code = Exit.OK
        except (DomainError, ServiceError) as exc:
            code = report(exc)
        except DBAPIError as exc:
            # The driver's message quotes the statement and may quote its values: only the kind of
            # failure is told (brief: no personal data in errors beyond references).
            code = report(DatabaseFailed(exc))
        else:
            code = Exit.OK
    if written.entries and args[:1] != ["serve"]:  # serve signs as it goes and at shutdown
        _sign_before_exit()
    return code


def whole_summaries(command: Any) -> None:
    """Each command's summary in the help lists is the first paragraph of its help, whole: click
    would cut it to the terminal's width or at the first full stop (« Send the Art. »). (Typer's
    commands are its own click's, hence the duck typing.)"""
    for sub in getattr(command, "commands", {}).values():
        if sub.help and not sub.short_help:
            sub.short_help = " ".join(sub.help.strip().split("\n\n")[0].split())
        whole_summaries(sub)


def _sign_before_exit() -> None:
    """A command that wrote audit entries signs the chains' heads before it exits, so that no
    tail is left unsigned when traffic stops (services.audit)."""
    try:
        auditor = bootstrap().auditor
        signed = auditor.sign_quietly()
    except (DomainError, ServiceError, DBAPIError, OSError) as exc:
        signed, why = False, type(exc).__name__
    else:
        why = auditor.checkpoint_error or ""
    if not signed:
        print(f"warning: the audit's head could not be signed ({why}): run `charte audit checkpoint`",
              file=sys.stderr)  # fmt: skip


class DatabaseFailed(ServiceError):
    def __init__(self, exc: DBAPIError) -> None:
        what = (
            "the connection to the database was lost" if exc.connection_invalidated else "the database failed"
        )
        kind = type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__
        super().__init__(
            f"{what} ({kind}); what was committed before stays, the step in progress was rolled back: "
            "run the command again once the database is back"
        )
