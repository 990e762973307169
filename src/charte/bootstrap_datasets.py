"""The composition root's part for analysis datasets (``services.datasets``): the desk wired to
the register, the build folder and keys under the charte home, Apache Arrow and OpenDP.

Arrow and OpenDP come with the ``datasets`` extra (in ``all``); their adapters import them only
when a dataset is built, so that the rest of charte — the sweep included — runs without them."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from charte.adapters.dataset_files import DatasetFolder
from charte.adapters.dataset_keys import DatasetKeyFolder
from charte.adapters.db.dataset_builds_store import SqlDatasetBuilds
from charte.adapters.db.dataset_calls import SqlCallPopulation
from charte.adapters.db.dataset_source import SqlDatasetSource
from charte.adapters.dp_noise import OpenDpNoise
from charte.services.dataset_ports import DatasetDesk
from charte.services.datasets import Expiry

if TYPE_CHECKING:
    from charte.bootstrap import Container


def dataset_desk(c: Container) -> DatasetDesk:
    engine = c.migrated_engine()
    calls = c.calls()
    population = SqlCallPopulation(
        engine,
        hasher=c.ref_hasher,
        transcript=calls.transcript,
        stops=frozenset(c.policy.recordings.opposition_stops),
    )
    return DatasetDesk(
        policy=c.policy,
        gate=c.gate,
        auditor=c.auditor,
        clock=c.clock,
        source=SqlDatasetSource(engine, encrypted=c.policy.encrypted_fields, calls=population),
        files=DatasetFolder(c.settings.home / "datasets"),
        keys=DatasetKeyFolder(c.settings.home / "keys" / "datasets"),
        store=SqlDatasetBuilds(engine, audit=c.audit_store()),
        noise=OpenDpNoise(),
        redactor=lambda: c.redactor,  # the French model loads on first use
        policy_sha256=hashlib.sha256(c.settings.policy_path.read_bytes()).hexdigest(),
    )


def expiry(c: Container, actor: str) -> Expiry:
    """The sweep's part: the builds' store, the desk only when a build is due."""
    return Expiry(
        SqlDatasetBuilds(c.migrated_engine(), audit=c.audit_store()), lambda: dataset_desk(c), actor
    )
