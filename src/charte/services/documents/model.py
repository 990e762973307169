"""A document as a few kinds of blocks, so that one builder serves Markdown, HTML and CSV."""

from __future__ import annotations

from dataclasses import dataclass

from charte.domain.vocabulary import Language


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of cells under headers; ``key`` names the table (e.g. the activity it describes)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    key: str = ""


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[int, ...]  # one per label of its chart


@dataclass(frozen=True, slots=True)
class Chart:
    """Bars per label (a month), one bar per series: drawn as SVG by the renderers (the page
    inline, the PDF as a vector image), as a table in Markdown; ``title`` is its caption."""

    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]

    def describe(self) -> str:
        """The chart in words, for a screen reader (an image's alternative text)."""
        parts = []
        for s in self.series:
            values = ", ".join(f"{label} {v}" for label, v in zip(self.labels, s.values, strict=True) if v)
            parts.append(f"{s.name}: {values or '0'}")
        return f"{self.title}. " + "; ".join(parts)


Block = Heading | Paragraph | Bullets | Table | Chart


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    lang: Language
    blocks: tuple[Block, ...]
