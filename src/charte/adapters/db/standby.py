"""How far behind its primary the read database is, for the pages that read from it.

A standby replays what its primary wrote, a little later: the console's heavy read-only pages read
there (``CHARTE_READ_DATABASE_URL``) and say how old what they show may be. The lag is the time
since the last transaction replayed, unless the standby has replayed everything it received (an
idle primary sends nothing, and a standby up to date is not behind however long ago that was):
PostgreSQL, "Monitoring" in section 27.2.5.2, pg_last_wal_receive_lsn, pg_last_wal_replay_lsn and
pg_last_xact_replay_timestamp (table 9.89).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text

_LAG = text(
    """SELECT pg_is_in_recovery(),
              CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
                   ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) END"""
)


@dataclass(frozen=True, slots=True)
class ReadFrom:
    """Where a page's data were read: a standby (``seconds`` behind, None when it cannot tell) or
    a database that is not one (a primary, a SQLite file: up to date)."""

    standby: bool
    seconds: float | None = None


def read_from(engine: Engine) -> ReadFrom:
    if engine.dialect.name != "postgresql":
        return ReadFrom(standby=False)
    with engine.connect() as conn:
        standby, seconds = conn.execute(_LAG).one()
    if not standby:
        return ReadFrom(standby=False)
    return ReadFrom(standby=True, seconds=None if seconds is None else max(0.0, float(seconds)))
