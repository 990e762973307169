"""The retention sweep, run by `charte serve` once a day; cron can use the CLI instead."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import time

from starlette.concurrency import run_in_threadpool

from charte.bootstrap import Container
from charte.domain.dates import next_daily_run
from charte.services.audit import drop_expired
from charte.services.retention import sweep
from charte.services.rights import close_expired

log = logging.getLogger("charte.sweep")

Sleep = Callable[[float], Awaitable[None]]


class DailySweep:
    def __init__(self, container: Container, at: time, sleep: Sleep = asyncio.sleep) -> None:
        self.container, self.at, self.sleep = container, at, sleep
        self.runs = 0

    async def run_once(self) -> dict[str, object]:
        c = self.container
        today = c.clock.today()
        report = await run_in_threadpool(
            lambda: sweep(sweeper=c.eraser(), as_of=today, today=today, auditor=c.auditor)
        )
        rule = c.policy.retention[c.policy.audit_retention]
        dropped = await run_in_threadpool(
            lambda: drop_expired(
                store=c.audit_store(), checkpoints=c.auditor.checkpoints, retention=rule.period, as_of=today
            )
        )
        closed = await run_in_threadpool(self._close_expired)
        self.runs += 1
        summary = report.as_dict() | {
            "audit_periods_dropped": [d["period"] for d in dropped],
            "requests_closed": closed,
        }
        # Counts only: no ref, no value ever reaches the log.
        log.info(
            "retention sweep %s: %s unit(s), %s person(s) erased, %s order(s)",
            summary["as_of"],
            summary["units_erased"],
            summary["persons_erased"],
            summary["orders"],
        )
        if dropped:
            log.info("audit: %s month(s) past the audit retention dropped", len(dropped))
        return summary

    def _close_expired(self) -> int:
        """Rights requests whose identity delay ran out, closed in the name of the policy's first
        handling role (the night job has no person at the keyboard)."""
        c = self.container
        handlers = c.policy.rights.submit_to
        if not handlers:
            return 0
        return len(close_expired(c.rights_desk("charte-daily", handlers[0])))

    async def forever(self) -> None:
        while True:
            now = self.container.clock.now()
            await self.sleep((next_daily_run(now, self.at) - now).total_seconds())
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # keep serving; the next night tries again
                log.error("retention sweep failed: %s", type(exc).__name__)
