"""Render a document model to a self-contained HTML page (Jinja2, autoescaped)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from charte.adapters.rendering.charts import svg
from charte.services.documents.model import Chart, Document


@cache
def environment() -> Environment:
    """The Jinja2 environment of charte's templates, built on first use (not at import)."""
    return Environment(
        loader=PackageLoader("charte.adapters.rendering", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(doc: Document, *, links: dict[str, str] | None = None) -> str:
    """The page; ``links`` (label -> URL) adds a navigation bar when served by ``charte serve``."""
    return environment().get_template("document.html.j2").render(doc=doc, links=links or {}, chart=_chart)


def _chart(block: Chart) -> Markup:
    return Markup(svg(block))  # noqa: S704 — drawn by charts.svg, every text in it escaped
