"""Analysis datasets built (domain.datasets): one row per build, its data sheet and its fate.

The files and the pseudonyms' key live outside the database (adapters.dataset_files,
adapters.key_files); the row says where, until when (``purge_due``, decided from the policy's
retention rule when the build is written) and whether they were destroyed — by the sweep at
expiry or by the DPO's revocation."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Float, Integer, String, Table, Text, UniqueConstraint

from charte.adapters.db.metadata import metadata

dataset_builds = Table(
    "dataset_builds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dataset", String(64), nullable=False),
    Column("build", Integer, nullable=False),  # 1, 2, ... per dataset
    Column("model", String(32), nullable=False),  # k_anonymity or differential_privacy
    Column("actor", String(200), nullable=False),
    Column("role", String(64), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("built_at", DateTime(timezone=True), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("epsilon", Float),  # the privacy loss this build spent (differential privacy)
    Column("sheet", Text, nullable=False),  # the data sheet (JSON): no personal value
    Column("purge_due", Date, nullable=False, index=True),
    Column("destroyed_at", DateTime(timezone=True)),
    Column("destroyed_by", String(200)),
    Column("destroyed_why", String(16)),  # expired or revoked
    UniqueConstraint("dataset", "build"),
)
