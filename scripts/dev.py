#!/usr/bin/env python3
"""Set up and run charte from a fresh clone with nothing but Python >= 3.11.

    python3 scripts/dev.py serve   # validate the policy, migrate, seed a demo register, serve :8000
    python3 scripts/dev.py test    # ruff, mypy, import contracts, then the whole pytest suite
    python3 scripts/dev.py setup [--all]   # only install: the base and the demo, or everything

Each creates `.venv` beside this repository on first use and reinstalls only when
`pyproject.toml` changes. `serve` installs charte with the demo only (no PostgreSQL driver, no
redaction model: a first run downloads little); `test` and `setup --all` install every extra.
Arguments after `test --` go to pytest; after `serve` to `charte serve`.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import subprocess
import sys
import venv
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".charte-installed"


def _say(text: str) -> None:
    print(f"[dev] {text}", file=sys.stderr, flush=True)


def _run(*args: str | Path, check: bool = True) -> int:
    return subprocess.run([str(a) for a in args], cwd=ROOT, check=check).returncode


def ensure_environment(extras: str) -> None:
    """Create .venv and install charte with ``extras`` unless an install of the same files stands."""
    if sys.version_info < (3, 11):  # noqa: UP036  # run by whatever python3 the user has
        sys.exit(f"charte needs Python >= 3.11; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        _say(f"creating {VENV.relative_to(ROOT)}")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    wanted = f"{digest} {extras}"
    installed = STAMP.read_text().split("\n") if STAMP.exists() else []
    if wanted in installed or f"{digest} {ALL_EXTRAS}" in installed:  # everything covers any part
        return
    _say(f"installing charte[{extras}] (first run, or pyproject.toml changed)")
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", f".[{extras}]")
    kept = [line for line in installed if line.startswith(digest)]
    STAMP.write_text("\n".join([*kept, wanted]))


# Independent checkers the tests run in an environment of their own: pycanon (a k-anonymity and
# l-diversity checker from PyPI) pins its every dependency exactly, some older than charte's, so
# it cannot share charte's environment; the tests give it the datasets' CSV files.
CHECKERS = ROOT / ".venv-checkers"
CHECKER_PACKAGES = ("pycanon==1.3.6",)


def ensure_checkers() -> None:
    """Create .venv-checkers with the pinned checkers unless the same pins are installed."""
    stamp = CHECKERS / ".installed"
    wanted = " ".join(CHECKER_PACKAGES)
    if stamp.exists() and stamp.read_text() == wanted:
        return
    _say(f"creating {CHECKERS.relative_to(ROOT)} ({wanted}) for the independent checks")
    venv.EnvBuilder(with_pip=True, clear=True).create(CHECKERS)
    python = CHECKERS / ("Scripts" if os.name == "nt" else "bin") / "python"
    if _run(python, "-m", "pip", "install", "--quiet", *CHECKER_PACKAGES, check=False) == 0:
        stamp.write_text(wanted)
    else:
        _say("the checkers could not be installed: the tests that use them will say so")


# What each command installs: serving the demo on SQLite needs only the demo's Faker; the tests
# (and `setup --all`) install every extra, redaction's French model included.
SERVE_EXTRAS = "demo"
ALL_EXTRAS = "all,dev"


def setup(args: list[str]) -> int:
    """Install only: the base and the demo, or with --all every extra and the development tools."""
    ensure_environment(ALL_EXTRAS if "--all" in args else SERVE_EXTRAS)
    _say("installed; charte is .venv/bin/charte")
    return 0


def serve(args: list[str]) -> int:
    """Validate the shipped policy, migrate the SQLite register, seed a demo register once, serve."""
    ensure_environment(SERVE_EXTRAS)
    charte = BIN / "charte"
    if _run(charte, "policy", "check", check=False) != 0:
        return 1
    _run(charte, "db", "upgrade")
    listed = subprocess.run(
        [str(charte), "persons", "list", "--limit", "1", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        env=os.environ | {"CHARTE_AS": "dpo", "CHARTE_PURPOSE": "rights_handling"},
    )
    if json.loads(listed.stdout)["total"] == 0:
        _say("seeding a demo register of 2,000 persons (charte demo seed)")
        _run(charte, "demo", "seed", "--persons", "2000", "--seed", "1")
    tokens = ROOT / ".charte" / "demo-tokens.json"
    if not tokens.exists():
        _say(f"adding demo API actors (charte actors add); their tokens go to {tokens.relative_to(ROOT)}")
        found = {}
        for name, option in DEMO_ACTORS:
            added = subprocess.run(
                [str(charte), "actors", "add", name, *option, "--json"],
                cwd=ROOT,
                capture_output=True,
                check=True,
            )
            found[name] = json.loads(added.stdout)
            if option[0] == "--role":  # people also log in to the console (/login)
                password = f"Demo-{secrets.token_urlsafe(12)}-7!"
                subprocess.run(
                    [str(charte), "actors", "passwd", name, "--password-stdin"],
                    cwd=ROOT,
                    input=password + "\n",
                    text=True,
                    capture_output=True,
                    check=True,
                )
                found[name]["password"] = password
        # Owner-only from its creation, whatever the umask: the tokens and passwords are secrets.
        fd = os.open(tokens, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(found, indent=2) + "\n")
    trained = ROOT / ".charte" / "demo-trainings.done"
    if not trained.exists():  # staff read only with a current training (docs/accountability.md)
        today = datetime.now(UTC).date()
        for name, days_ago in DEMO_TRAININGS:
            on = (today - timedelta(days=days_ago)).isoformat()
            _run(
                charte,
                "trainings",
                "record",
                name,
                "--course",
                "rgpd_fondamentaux",
                "--on",
                on,
                "--as",
                "dpo",
            )
        trained.write_text(today.isoformat() + "\n", encoding="utf-8")
        _say(
            "recording the demo staff's trainings (charte trainings record): one lapses soon, one has lapsed"
        )
    alarms = ROOT / ".charte" / "demo-alarms.jsonl"
    if not alarms.exists():  # a few alarms waiting on demo sites, for the station's screen (docs/alarms.md)
        now = datetime.now(UTC).replace(microsecond=0)
        sites = _alarm_sites(3)
        lines = [
            {"id": f"demo-alarm-{i}", "type": "alarm.raised", "site": site, "kind": kind}
            | {"at": (now - timedelta(minutes=7 * i)).isoformat()}
            for i, (site, kind) in enumerate(zip(sites, ("intrusion", "fire", "panic"), strict=False), 1)
        ]
        alarms.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        _say("raising three demo alarms (alarm.raised events) for the alarm screen")
        _run(charte, "events", "import", str(alarms))
    breaches = ROOT / ".charte" / "demo-breach.json"
    if not breaches.exists():  # one breach on the register, its 72 hours running (docs/breaches.md)
        found = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=20)
        title = "Ordinateur portable volé (export CRM)"
        command = [str(charte), "breaches", "open", "--as", "dpo", "--title", title]
        command += ["--nature", "confidentiality", "--discovered-by", "accueil"]
        command += ["--discovered-at", found.isoformat()]
        opened = subprocess.run(
            command, cwd=ROOT, capture_output=True, check=True, env=os.environ | {"CHARTE_ACTOR": "demo-dpo"}
        )
        breaches.write_bytes(opened.stdout)
        _say("recording a demo breach (charte breaches open): its 72-hour clock is on the dashboard")
    _say(
        f"demo actors' API tokens and console passwords: {tokens.relative_to(ROOT)} "
        "(Authorization: Bearer ...; charte serve prints the console's and the portal's URLs)"
    )
    return _run(charte, "serve", *args, check=False)


def _alarm_sites(count: int) -> list[str]:
    """Demo sites under a contract still running, with trusted persons: read from the demo's events."""
    signed: dict[str, str] = {}
    ended: set[str] = set()
    trusted: set[str] = set()
    for events in sorted((ROOT / ".charte").glob("demo-events-*.jsonl")):
        with events.open(encoding="utf-8") as lines:
            for line in lines:
                event = json.loads(line)
                if event["type"] == "contract.signed":
                    signed[event["contract"]["ref"]] = event["contract"]["site"]["ref"]
                elif event["type"] == "contract.ended":
                    ended.add(event["contract"])
                elif event["type"] == "trusted_person.designated":
                    trusted.add(event["site"])
    running = [site for contract, site in signed.items() if contract not in ended and site in trusted]
    return sorted(running)[:count]


# One actor per kind of caller, to try the access gate on the demo register (docs/access.md).
DEMO_ACTORS = [
    ("demo-dpo", ["--role", "dpo"]),
    ("demo-operator", ["--role", "station_operator"]),
    ("demo-customer-service", ["--role", "customer_service"]),
    ("demo-installer", ["--role", "installer"]),
    ("demo-legal", ["--role", "legal"]),  # places, judges and lifts litigation holds (/console/holds)
    ("demo-sales", ["--role", "sales"]),  # asks the prospecting gate (POST /api/v1/prospecting/decide)
    ("demo-crm-feed", ["--system", "crm"]),
    ("demo-monitoring", ["--system", "monitoring"]),  # raises alarms (POST /api/v1/alarms)
]

# When each demo staff account completed its data-protection training (days ago): the operator's
# has lapsed (alarm handling goes on, the DPO is warned), customer service's lapses within a month.
DEMO_TRAININGS = [
    ("demo-dpo", 90),
    ("demo-operator", 400),
    ("demo-customer-service", 350),
    ("demo-legal", 30),
    ("demo-sales", 120),
]


def test(args: list[str]) -> int:
    ensure_environment(ALL_EXTRAS)
    ensure_checkers()
    steps = [
        ("ruff", [BIN / "ruff", "check", "src", "tests", "scripts", "bench"]),
        ("ruff format", [BIN / "ruff", "format", "--check", "src", "tests", "scripts", "bench"]),
        ("mypy (strict on src/)", [BIN / "mypy"]),
        ("import contracts", [BIN / "lint-imports"]),
        ("pytest", [BIN / "pytest", *args]),
    ]
    failed = []
    for name, cmd in steps:
        _say(f"== {name}")
        if _run(*cmd, check=False) != 0:
            failed.append(name)
    if failed:
        _say("FAILED: " + ", ".join(failed))
        return 1
    _say("all checks passed")
    return 0


def main() -> int:
    commands = {"serve": serve, "test": test, "setup": setup}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    return commands[command](rest)


if __name__ == "__main__":
    sys.exit(main())
