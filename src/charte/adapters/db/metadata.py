"""The one SQLAlchemy ``MetaData`` every table module declares into, with its naming convention
(Alembic's migrations name constraints by it), and the width of refs from the operator's systems."""

from __future__ import annotations

from sqlalchemy import MetaData

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)

REF = 128  # refs come from the operator's systems; long enough for UUIDs and composite keys
