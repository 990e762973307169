#!/usr/bin/env python3
"""Render docs/traceability.yaml to docs/traceability.md (run after editing the YAML).

    python3 scripts/traceability.py          # rewrite docs/traceability.md
    python3 scripts/traceability.py --check  # exit 1 if docs/traceability.md is out of date

Also holds the sentence splitter the traceability test uses to prove that no sentence of the
seed charter is left out.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "docs" / "traceability.yaml"
TARGET = ROOT / "docs" / "traceability.md"

# A sentence ends at . ! ? or ; followed by a capital or an opening guillemet; bullets are sentences.
_BOUNDARY = re.compile(r"(?<=[.!?;])\s+(?=[A-ZÀ-ÖØ-Ý«])")


def normalise(text: str) -> str:
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    """The seed's sentences, headings and list items, whitespace-normalised, in order."""
    out = []
    for paragraph in text.split("\n"):
        paragraph = paragraph.strip().lstrip("•").strip()
        out += [normalise(s) for s in _BOUNDARY.split(paragraph) if s.strip()]
    return out


def render(data: dict[str, Any]) -> str:
    lines = [
        "# Traceability: the seed charter -> the policy -> the tests, and what the charter says",
        "",
        "Generated from `docs/traceability.yaml` by `python3 scripts/traceability.py`; do not edit by hand.",
        f"Seed: `{data['seed']}`. Policy: `{data['policy']}`.",
        "",
        f"{len(data['promises'])} promises, {len(data['not_promises'])} sentences that promise nothing.",
        "",
        "## Promises",
        "",
    ]
    for n, p in enumerate(data["promises"], 1):
        lines += [f"### {n}. « {normalise(p['clause'])} »", ""]
        lines.append("- Policy: " + ", ".join(f"`{k}`" for k in p["policy"]))
        if p["tests"]:
            lines.append("- Tests: " + ", ".join(f"`{t}`" for t in p["tests"]))
        if p.get("charter"):
            lines.append("- The charter says: " + " · ".join(f"« {normalise(x)} »" for x in p["charter"]))
        if p.get("charter_why"):
            lines.append(f"- Where it says more or other than the seed: {normalise(p['charter_why'])}")
        if p.get("later"):
            lines.append(f"- Enforced later: {p['later']}")
        lines.append("")
    lines += ["## Sentences that promise nothing", "", "| Sentence | Why |", "|---|---|"]
    lines += [f"| {normalise(x['clause'])} | {x['why']} |" for x in data["not_promises"]]
    return "\n".join(lines) + "\n"


def main() -> int:
    import yaml  # the project's own dependency; imported here so the splitter needs nothing

    text = render(yaml.safe_load(SOURCE.read_text(encoding="utf-8")))
    if "--check" in sys.argv[1:]:
        if TARGET.read_text(encoding="utf-8") != text:
            print("docs/traceability.md is out of date: run python3 scripts/traceability.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
