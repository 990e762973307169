"""A chart of the document model as SVG: grouped bars per label, a legend, the values' scale.

Drawn on the server (no script), with presentation attributes only (no ``style``: the console's
Content-Security-Policy allows no inline style), a ``<title>`` and ``role="img"`` with the chart in
words for screen readers. The same drawing goes inline into HTML and, as a vector image, into the
PDF (in its own font, so that PDF/A embeds it)."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from charte.services.documents.model import Chart

# Colours distinguishable by the colour-blind (Okabe & Ito's palette), on white.
_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


def svg(chart: Chart, *, font: str = "system-ui, sans-serif", width: int = 720, height: int = 240) -> str:
    top = max((v for s in chart.series for v in s.values), default=0) or 1
    left, bottom, legend = 44, 28, 18 * max(len(chart.series), 1)
    plot_h = height - bottom - legend - 10
    step = (width - left - 10) / max(len(chart.labels), 1)
    bar = max((step - 6) / max(len(chart.series), 1), 1)
    base = legend + 10 + plot_h  # the bars' baseline
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label={quoteattr(chart.describe())} '
        f'font-family={quoteattr(font)} font-size="11">',
        f"<title>{escape(chart.title)}</title>",
        f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#555"/>',
        f'<text x="{left - 6}" y="{legend + 14}" text-anchor="end">{top}</text>',
        f'<text x="{left - 6}" y="{base}" text-anchor="end">0</text>',
    ]
    for k, s in enumerate(chart.series):
        colour = _COLOURS[k % len(_COLOURS)]
        y = 4 + 18 * k
        parts.append(f'<rect x="{left}" y="{y}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{left + 18}" y="{y + 10}">{escape(s.name)}</text>')
        for i, value in enumerate(s.values):
            h = round(value / top * plot_h, 1)
            x = round(left + i * step + 3 + k * bar, 1)
            parts.append(
                f'<rect x="{x}" y="{round(base - h, 1)}" width="{round(bar, 1)}" height="{h}" '
                f'fill="{colour}"><title>{escape(f"{chart.labels[i]} — {s.name}: {value}")}</title></rect>'
            )
    for i, label in enumerate(chart.labels):
        x = round(left + i * step + step / 2, 1)
        parts.append(f'<text x="{x}" y="{height - 8}" text-anchor="middle">{escape(label[-2:])}</text>')
    parts.append("</svg>")
    return "".join(parts)
