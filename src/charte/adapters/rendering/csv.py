"""Render the register as CSV: one row per processing activity, one column per Art. 30 field."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence


def render_csv(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()
