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


Block = Heading | Paragraph | Bullets | Table


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    lang: Language
    blocks: tuple[Block, ...]
