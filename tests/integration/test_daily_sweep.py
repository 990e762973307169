"""`charte serve` sweeps every day: on time, and surviving a failed night."""

from __future__ import annotations

import asyncio
from datetime import time

import pytest

from charte.entrypoints.web import daily_sweep
from charte.entrypoints.web.daily_sweep import DailySweep
from tests.conftest import count_rows, run_import
from tests.feed import designated, person, removed, signed


class Stop(Exception):
    """Ends the endless loop in a test."""


def test_the_daily_sweep_waits_for_its_time_then_erases_what_is_due(app):
    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1")),
                     designated("e2", "2025-01-02", "S1", person("T1")), removed("e3", "2025-06-01", "S1", "T1")])  # fmt: skip
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) > 1:
            raise Stop

    job = DailySweep(app, time(2, 0), sleep=sleep)
    with pytest.raises(Stop):
        asyncio.run(job.forever())
    assert waits[0] == 14 * 3600  # the fixed clock says noon; 02:00 comes 14 hours later
    assert job.runs == 1
    assert count_rows(app)["tombstones"] == 1  # T1, removed in June 2025, is gone


def test_a_failed_sweep_is_logged_and_the_server_tries_again_the_next_night(app, monkeypatch, caplog):
    calls = []

    def failing(**_kwargs):
        calls.append(1)
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(daily_sweep, "sweep", failing)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) > 2:
            raise Stop

    with pytest.raises(Stop):
        asyncio.run(DailySweep(app, time(2, 0), sleep=sleep).forever())
    assert len(calls) == 2  # two nights, two attempts: the loop survived the first failure
    assert "retention sweep failed: RuntimeError" in caplog.text
