"""Render a document model to CommonMark."""

from __future__ import annotations

import re

from charte.services.documents.model import Bullets, Chart, Document, Heading, Paragraph, Table

_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _escape(text: str) -> str:
    """Escape what CommonMark would read as markup, so a label never turns into a link or a table."""
    text = _SPECIAL.sub(r"\\\1", text)
    return "\\" + text if text[:1] in "#+-" or re.match(r"\d+\.", text) else text


def render_markdown(doc: Document) -> str:
    out = [f"# {_escape(doc.title)}", ""]
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += ["#" * block.level + " " + _escape(block.text), ""]
        elif isinstance(block, Paragraph):
            out += [_escape(block.text), ""]
        elif isinstance(block, Bullets):
            out += [f"- {_escape(item)}" for item in block.items] + [""]
        elif isinstance(block, Table):
            out.append("| " + " | ".join(_escape(h) for h in block.headers) + " |")
            out.append("|" + "---|" * len(block.headers))
            out += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in block.rows]
            out.append("")
        elif isinstance(block, Chart):  # the chart's figures, as a table under its caption
            out += [f"*{_escape(block.title)}*", ""]
            out.append("| | " + " | ".join(_escape(s.name) for s in block.series) + " |")
            out.append("|---|" + "---|" * len(block.series))
            for i, label in enumerate(block.labels):
                out.append(f"| {label} | " + " | ".join(str(s.values[i]) for s in block.series) + " |")
            out.append("")
    return "\n".join(out)
