"""`charte inspection ...`: the pack a CNIL inspector asks for first, and its verification."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charte.bootstrap import Container
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.exits import Exit
from charte.entrypoints.cli.output import DataFormat, emit_json
from charte.entrypoints.cli.reader import AsOpt, role_only
from charte.services import inspection

app = typer.Typer(
    help="The CNIL inspection pack: the register, policy, processors, DPIAs, breaches, figures, audit.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command()
def pack(
    out: Annotated[Path, typer.Option("--out", help="The zip file to write (owner-only).")],
    year: Annotated[
        int | None, typer.Option("--year", help="The year of the figures (default: this year).")
    ] = None,
    role: AsOpt = None,
    fmt: Annotated[DataFormat, typer.Option("--format", help="Output format.")] = DataFormat.TEXT,
) -> None:
    """Gather the pack, list every file's SHA-256 in a manifest signed with the audit's key, write the
    zip. No personal data beyond refs. The audit is verified now: its result is in the pack."""
    c = container()
    chosen = inspection.year_of(year, c.clock.today())
    files = inspection.pack(
        c.inspection_sources(chosen),
        signer=c.pack_signer(),
        role=role_only(role, "the inspection pack"),
        year=chosen,
        today=c.clock.today(),
        now=c.clock.now(),
    )
    Container.write_pack(out, files)
    summary = {"pack": str(out), "files": len(files), "year": chosen}
    if fmt is DataFormat.JSON:
        emit_json(summary)
        return
    typer.echo(f"wrote {out}: {len(files)} files, the manifest signed with the audit key")


@app.command()
def verify(
    path: Annotated[Path, typer.Argument(help="The pack (zip).")],
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key",
            help="The audit's public key (PEM) to check the signature with; default: this server's key.",
        ),
    ] = None,
    pack_key: Annotated[
        bool,
        typer.Option("--pack-key", help="Check with the key the pack carries (integrity only, not origin)."),
    ] = False,
    fmt: Annotated[DataFormat, typer.Option("--format", help="Output format.")] = DataFormat.TEXT,
) -> None:
    """Check a pack: the manifest's signature, every file's digest, nothing unlisted. Exit 0 if it
    verifies, 1 naming each problem."""
    key: bytes | None = None
    if public_key is not None:
        key = public_key.read_bytes()
    elif not pack_key:  # this server's audit key: the one the pack must have been signed with
        key = container().pack_signer().public_pem()
    checked = inspection.verify(Container.read_pack(path), verifies=Container.pack_verifies, public_pem=key)
    if fmt is DataFormat.JSON:
        emit_json(checked.as_dict())
    else:
        for problem in checked.problems:
            typer.echo(f"error: {problem}", err=True)
        if checked.ok:
            by = "the key given" if checked.signed_by_key else "the key the pack carries"
            typer.echo(f"OK: {path} verifies ({checked.files} files, signature checked with {by})")
    raise typer.Exit(Exit.OK if checked.ok else Exit.REFUSED)
