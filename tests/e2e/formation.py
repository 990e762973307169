"""A pg_auto_failover formation on loopback ports for the failover harness: a monitor, a primary
and a synchronous standby, each node a `pg_autoctl` process group that a test can kill whole, as a
machine is lost (docs/deploy.md, two monitoring centres).

pg_autoctl refuses to run as root: as root, every pg_autoctl command runs as the `postgres` user
(`runuser`), in a folder that user owns. The monitor's timeouts are shortened from the defaults
(a node unhealthy after 20 s, then 30 s for the primary to demote) so that a failover takes
seconds; each keeper's network-partition timeout stays below the demote timeout, the order that
keeps a cut-off primary from accepting writes while its standby is promoted (pg_autoctl(5),
"Preventing promotion of the secondary" and network_partition_timeout).
"""

from __future__ import annotations

import contextlib
import functools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import psycopg

from tests.e2e.test_serve import free_port

# Monitor settings (milliseconds), pg_autoctl(5): how fast a lost primary is noticed and replaced.
MONITOR_SETTINGS = {
    "pgautofailover.health_check_period": 1000,
    "pgautofailover.health_check_timeout": 1000,
    "pgautofailover.health_check_max_retries": 1,
    "pgautofailover.health_check_retry_delay": 500,
    "pgautofailover.node_considered_unhealthy_timeout": 3000,
    "pgautofailover.primary_demote_timeout": 10000,
}
NETWORK_PARTITION_TIMEOUT = 5  # seconds, a keeper's; below primary_demote_timeout


def missing() -> str | None:
    """Why the harness cannot run here, or None."""
    if shutil.which("pg_autoctl") is None:
        return (
            "pg_autoctl is not installed (apt-get install postgresql-15-auto-failover pg-auto-failover-cli)"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "pg_autoctl refuses root and there is no postgres user to run it as"
    return None


@functools.cache
def _bindir() -> str:
    return subprocess.run(
        ["pg_config", "--bindir"], capture_output=True, text=True, check=True
    ).stdout.strip()


@dataclass
class Formation:
    root: Path
    monitor_port: int = field(default_factory=free_port)
    ports: dict[str, int] = field(default_factory=dict)
    groups: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: list[BinaryIO] = field(default_factory=list)

    @property
    def monitor(self) -> str:
        return f"postgres://autoctl_node@127.0.0.1:{self.monitor_port}/pg_auto_failover?sslmode=disable"

    def _env(self) -> dict[str, str]:
        home = str(self.root)
        return {
            "PATH": f"{_bindir()}:{os.environ['PATH']}",
            "HOME": home,
            "XDG_CONFIG_HOME": f"{home}/config",
            "XDG_DATA_HOME": f"{home}/data",
            "XDG_RUNTIME_DIR": f"{home}/run",
        }

    def _command(self, *args: str) -> list[str]:
        run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return [*run_as, "env", *(f"{k}={v}" for k, v in self._env().items()), "pg_autoctl", *args]

    def autoctl(self, *args: str) -> str:
        done = subprocess.run(self._command(*args), capture_output=True, text=True, check=False, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"pg_autoctl {' '.join(args)}: {done.stderr[-2000:]}")
        return done.stdout

    def _spawn(self, name: str, *args: str) -> None:
        log = (self.root / f"{name}.log").open("ab")
        self.logs.append(log)
        self.groups[name] = subprocess.Popen(
            self._command(*args), stdout=log, stderr=log, start_new_session=True, cwd=self.root
        )

    def start_monitor(self) -> None:
        self._spawn("monitor", "create", "monitor", "--pgdata", str(self.root / "monitor"), "--pgport",
                    str(self.monitor_port), "--hostname", "127.0.0.1", "--auth", "trust", "--no-ssl", "--run")  # fmt: skip
        url = f"postgresql://postgres@127.0.0.1:{self.monitor_port}/pg_auto_failover"
        conn = _connect(url, 60)
        with conn:
            conn.autocommit = True
            for name, value in MONITOR_SETTINGS.items():
                conn.execute(f"ALTER SYSTEM SET {name} TO {value}")
            conn.execute("SELECT pg_reload_conf()")

    def start_node(self, name: str) -> None:
        self.ports[name] = port = free_port()
        self._spawn(name, "create", "postgres", "--pgdata", str(self.root / name), "--pgport", str(port), "--hostname",
                    "127.0.0.1", "--name", name, "--auth", "trust", "--no-ssl", "--monitor", self.monitor,
                    "--dbname", "charte", "--run")  # fmt: skip

    def rejoin(self, name: str) -> None:
        """The lost node's machine is back: its keeper runs again and pg_auto_failover rewinds it
        into a standby of the new primary (pg_rewind)."""
        self._spawn(name, "run", "--pgdata", str(self.root / name))

    def shorten_partition_timeout(self, name: str) -> None:
        """Once the node runs: its keeper reloads the setting (pg_autoctl config set signals it)."""
        self.autoctl("config", "set", "--pgdata", str(self.root / name), "timeout.network_partition_timeout",
                     str(NETWORK_PARTITION_TIMEOUT))  # fmt: skip

    def states(self) -> dict[str, str]:
        """Each node's state as the monitor last heard it (primary, secondary, wait_primary, ...)."""
        url = f"postgresql://postgres@127.0.0.1:{self.monitor_port}/pg_auto_failover"
        with psycopg.connect(url, connect_timeout=2) as conn:
            rows = conn.execute("SELECT nodename, reportedstate::text FROM pgautofailover.node").fetchall()
        return {str(n): str(s) for n, s in rows}

    def state_is(self, wanted: dict[str, set[str]]) -> bool:
        """Every named node in one of its wanted states now (False while the monitor cannot tell)."""
        try:
            now = self.states()
        except psycopg.Error:
            return False
        return all(now.get(n) in states for n, states in wanted.items())

    def wait_for(self, wanted: dict[str, set[str]], timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.state_is(wanted):
                return
            # A standby's base backup waits for a checkpoint on the primary: ask for it now.
            for port in self.ports.values():
                url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
                with (
                    contextlib.suppress(psycopg.Error),
                    psycopg.connect(url, connect_timeout=1, autocommit=True) as conn,
                ):
                    if not conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:  # type: ignore[index]
                        conn.execute("CHECKPOINT")
            _wait(deadline, f"states {wanted}")

    def uri(self) -> str:
        """The URL clients use, as pg_autoctl prints it: every node, the one accepting writes chosen."""
        return self.autoctl("show", "uri", "--formation", "default", "--monitor", self.monitor).strip()

    def postmaster(self, name: str) -> int:
        return int((self.root / name / "postmaster.pid").read_text().split()[0])

    def lose(self, name: str) -> None:
        """The node's machine is gone: its keeper and its PostgreSQL killed at once (SIGKILL); a
        postmaster killed alone is restarted in place by its keeper, which is no failover."""
        postmaster = self.postmaster(name)
        group = self.groups.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.kill(postmaster, signal.SIGKILL)
        group.wait(timeout=30)

    def stop(self) -> None:
        for group in self.groups.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group.pid, signal.SIGKILL)
            group.wait(timeout=30)
        for name in [*self.ports, "monitor"]:
            with contextlib.suppress(OSError, ValueError, IndexError):
                os.kill(self.postmaster(name), signal.SIGKILL)
        for log in self.logs:
            log.close()


def _connect(url: str, timeout: float) -> psycopg.Connection:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while True:
        try:
            return psycopg.connect(url, connect_timeout=2)
        except psycopg.OperationalError:
            _wait(deadline, url)


def _wait(deadline: float, what: str) -> None:
    if time.monotonic() > deadline:
        raise TimeoutError(f"pg_auto_failover: waited too long for {what}")
    time.sleep(0.5)


@contextlib.contextmanager
def formation() -> Iterator[Formation]:
    """A monitor, a primary and its synchronous standby, ready; every process killed at the end."""
    root = Path(tempfile.mkdtemp(prefix="charte-ha-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    ha = Formation(root)
    try:
        ha.start_monitor()
        ha.start_node("node_a")
        ha.wait_for({"node_a": {"single", "primary", "wait_primary"}})
        ha.start_node("node_b")
        ha.wait_for({"node_a": {"primary"}, "node_b": {"secondary"}})
        for name in ha.ports:
            ha.shorten_partition_timeout(name)
        yield ha
    finally:
        ha.stop()
        shutil.rmtree(root, ignore_errors=True)
