"""Writing command results: JSON on one line for machines, text for people, files on request."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path


class DataFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def emit_json(payload: object) -> None:
    print(json.dumps(payload, ensure_ascii=False, default=str))


def write(text: str, out: Path | None) -> None:
    """Write to ``out`` (creating its folder) or to stdout; a file written says where on stderr.
    Only for the public texts (the charter, the Art. 30 register): what names persons is written
    owner-only (``bootstrap.open_private``)."""
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
