"""Each change a rights request makes to the register is applied once, however often it is answered.

Answering a request is several commits: the change (with its orders and Art. 19 notices), then the
letter, then the request's ``fulfilled`` step. A process killed between the change and that step
leaves the request open with its change done; answering it again must neither erase nothing (and
tell the requester so) nor order the systems twice. So the change and a record of what it did — a
step ``applied:<effect>`` on the request's timeline, with the same detail the answer carries — are
written in one transaction, and a rerun finds the record and returns it instead of acting again.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from charte.adapters.db import tables as t

STEP = "applied:"


def already(conn: Connection, request_id: int, effect: str) -> dict[str, Any] | None:
    """What ``effect`` did for the request, if it was applied (read under the caller's transaction)."""
    s = t.rights_steps.c
    found = conn.execute(
        select(s.detail)
        .where(s.request_id == request_id, s.step == STEP + effect)
        .order_by(s.id.desc())
        .limit(1)
    ).scalar()
    return dict(json.loads(found)) if found is not None else None


def remember(
    conn: Connection, request_id: int, effect: str, detail: dict[str, Any], at: datetime, actor: str
) -> dict[str, Any]:
    """Record, in the transaction that applied it, that ``effect`` was applied and what it did."""
    conn.execute(
        insert(t.rights_steps).values(
            request_id=request_id,
            at=at.astimezone(UTC),
            on=at.date(),
            step=STEP + effect,
            actor=actor,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
        )
    )
    return detail
