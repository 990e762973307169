"""Letters to data subjects, as HTML and PDF from one document model (services.rights_desk.Letters)."""

from __future__ import annotations

from charte.adapters.rendering.html import render_html
from charte.adapters.rendering.pdf import render_pdf
from charte.services.documents.model import Document


class Letters:
    def html(self, doc: Document) -> str:
        return render_html(doc)

    def pdf(self, doc: Document) -> bytes:
        return render_pdf(doc)
