"""Every value of a vocabulary fits the column that stores it — on PostgreSQL a longer one is an
error at the first write (SQLite ignores widths, so only this test or production would tell)."""

from __future__ import annotations

from enum import StrEnum

import pytest

from charte.adapters.db import tables as t
from charte.adapters.db.call_tables import calls
from charte.domain.litigation import Residence
from charte.domain.orders import OrderKind
from charte.domain.register import Direction
from charte.domain.retention import UnitStatus
from charte.domain.rights import Status
from charte.domain.vocabulary import CallDirection, Channel, CourtKind, CourtSeat, Recourse, Right, SourceKind

STORED: list[tuple[object, type[StrEnum]]] = [
    (t.rights_requests.c.type, Right),
    (t.rights_requests.c.status, Status),
    (t.rights_requests.c.channel, Channel),
    (t.outbox.c.kind, OrderKind),
    (t.recipient_notices.c.kind, OrderKind),
    (t.cases.c.kind, CourtKind),
    (t.case_judgments.c.recourse, Recourse),
    (t.case_judgments.c.residence, Residence),
    (t.case_judgments.c.court_seat, CourtSeat),
    (t.roles.c.source_kind, SourceKind),
    (t.contact_log.c.direction, Direction),
    (t.retention_units.c.status, UnitStatus),
    (calls.c.direction, CallDirection),
    (calls.c.status, UnitStatus),
]


@pytest.mark.parametrize(
    ("column", "vocabulary"), STORED, ids=lambda x: getattr(x, "key", getattr(x, "__name__", ""))
)
def test_every_value_of_a_vocabulary_fits_its_column(column, vocabulary):
    """Brief: PostgreSQL is production and passes the same tests."""
    width = column.type.length
    too_long = [v.value for v in vocabulary if len(v.value) > width]
    assert too_long == [], f"{column}: {width} characters"
