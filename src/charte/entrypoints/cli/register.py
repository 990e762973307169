"""`charte register`: the record of processing activities (GDPR Art. 30(1))."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from charte.bootstrap import Container
from charte.domain.vocabulary import Language
from charte.entrypoints.cli.context import container
from charte.entrypoints.cli.output import write
from charte.services.documents.register import build_register, register_entries


class RegisterFormat(StrEnum):
    MD = "md"
    HTML = "html"
    CSV = "csv"


def register(
    fmt: Annotated[RegisterFormat, typer.Option("--format", help="Document format.")] = RegisterFormat.MD,
    lang: Annotated[Language, typer.Option("--lang", help="Language of the register.")] = Language.FR,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="Policy file (default: CHARTE_POLICY or shipped).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")] = None,
    final: Annotated[
        bool,
        typer.Option(
            "--final", help="Refuse while a published value is an unconfirmed assumption (naming each key)."
        ),
    ] = False,
) -> None:
    """The record of processing activities, generated from the policy. A draft marks each value the
    policy only assumes « [à confirmer : key] »; `--final` refuses while one is left."""
    loaded = container().policies.load(str(policy) if policy else None)
    if fmt is RegisterFormat.CSV:
        headers, entries = register_entries(loaded.policy, lang, final=final)
        write(Container.render_csv(headers, [e.cells for e in entries]), out)
    else:
        write(Container.render(build_register(loaded.policy, lang, final=final), fmt.value), out)
