"""Renderers of the document model: Markdown, HTML, CSV."""

from __future__ import annotations

from charte.adapters.rendering.html import render_html
from charte.adapters.rendering.markdown import render_markdown
from charte.services.documents.model import Document


def render_document(doc: Document, fmt: str) -> str:
    """``fmt`` is ``md`` or ``html``; the CLI and the web pages both come through here."""
    if fmt == "md":
        return render_markdown(doc)
    if fmt == "html":
        return render_html(doc)
    raise ValueError(f"unknown document format {fmt!r}; expected md or html")
