"""The composition root's stateless helpers: documents rendered (Markdown, HTML, CSV, PDF), files
read and written in the formats charte exchanges (a campaign's contacts, the demo register, the
inspection pack and its signature), phone numbers made canonical. ``bootstrap.Container``
inherits them, so that the entry points reach these adapters through the composition root only."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import IO, TYPE_CHECKING

from charte.adapters.inspection_zip import pack_bytes, read_pack, write_pack
from charte.adapters.pack_signer import verifies
from charte.adapters.phone_numbers import BadNumber, canonical_number
from charte.adapters.rendering import render_document
from charte.adapters.rendering.csv import render_csv
from charte.adapters.rendering.html import render_html
from charte.adapters.rendering.letters import Letters
from charte.adapters.screen_file import read_screen
from charte.domain.prospecting import Channel
from charte.services.documents.model import Document
from charte.services.errors import Refused
from charte.services.prospecting import BadLine, ScreenLine

if TYPE_CHECKING:
    from charte.adapters.demo_register import DemoStats


class Formats:
    """Mixed into ``bootstrap.Container``: what needs no settings, only an adapter's code."""

    write_pack = staticmethod(write_pack)
    pack_bytes = staticmethod(pack_bytes)
    read_pack = staticmethod(read_pack)
    pack_verifies = staticmethod(verifies)

    @staticmethod
    def letters() -> Letters:
        return Letters()

    @staticmethod
    def render(document: Document, fmt: str, links: dict[str, str] | None = None) -> str:
        """A document (charter, register) as ``md`` or ``html`` (``links``: the page's navigation)."""
        if fmt == "html" and links is not None:
            return render_html(document, links=links)
        return render_document(document, fmt)

    @staticmethod
    def render_csv(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
        return render_csv(headers, rows)

    @staticmethod
    def read_screen(
        source: IO[bytes], *, channel: Channel | None, moment: datetime | None
    ) -> Iterator[ScreenLine | BadLine]:
        """A campaign's contacts to screen, CSV or JSON Lines, line by line (adapters.screen_file)."""
        return read_screen(source, channel=channel, moment=moment)

    @staticmethod
    def phone_number(raw: str, field: str) -> str:
        """A caller's number in charte's canonical form; refused naming ``field`` otherwise."""
        try:
            return canonical_number(raw)
        except BadNumber as bad:
            raise Refused(f"{field}: {bad}") from None

    @staticmethod
    def write_demo_register(handle: IO[str], *, seed: int, today: date, persons: int) -> DemoStats:
        """A deterministic demo register as event lines (the demo extra: Faker)."""
        from charte.adapters.demo_register import DemoRegister

        return DemoRegister(seed=seed, today=today).write(handle, persons)
