"""`charte serve` in production fails closed: it refuses to start, naming each setting to fix,
when keys would be made on first use, when the checkpoints, keyring or keys sit beside the
database, when SQLite lies in a folder other accounts can read, or when notices would never be
sent; set up as docs/settings.md says, it serves."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
import time

import httpx

from tests.e2e.cli import charte
from tests.e2e.test_serve import free_port


def key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def test_serve_in_production_refuses_a_development_home_naming_every_setting(tmp_path):
    """A fresh home: keys would be created beside the database, checkpoints too, mail in a folder."""
    assert charte("db", "upgrade", cwd=tmp_path, env={}).code == 0
    (tmp_path / ".charte").chmod(0o755)  # as a careless restore leaves it
    refused = charte("serve", "--production", "--port", str(free_port()), cwd=tmp_path, env={})
    assert refused.code == 1
    lines = refused.err.strip().splitlines()
    assert all(line.startswith("error: production: ") for line in lines)
    text = refused.err
    for setting in ("CHARTE_AUDIT_CHECKPOINTS", "CHARTE_KEYRING", "CHARTE_FIELD_KEY", "CHARTE_REF_KEY",
                    "CHARTE_AUDIT_SIGNING_KEY", "CHARTE_RECORDINGS_KEY", "CHARTE_CODES_KEY", "CHARTE_DRAW_KEY",
                    "CHARTE_SMTP_URL"):  # fmt: skip
        assert setting in text, setting
    assert "the SQLite database's folder" in text
    assert "is open to other accounts (mode 755)" in text
    same = charte("serve", "--port", str(free_port()), cwd=tmp_path, env={"CHARTE_ENV": "production"})
    assert (same.code, same.err) == (1, refused.err)
    typo = charte("serve", cwd=tmp_path, env={"CHARTE_ENV": "prod"})
    assert (
        typo.err.strip()
        == "error: CHARTE_ENV: 'prod' is not one of development, production (docs/settings.md)"
    )


def test_serve_in_production_starts_once_every_setting_is_given(tmp_path):
    """Keys from the secret store, checkpoints and keyring off the database's folder, SMTP set."""
    data, elsewhere = tmp_path / "data", tmp_path / "other-volume"
    env = {
        "CHARTE_ENV": "production",
        "CHARTE_DATABASE_URL": f"sqlite:///{data / 'charte.db'}",
        "CHARTE_HOME": str(elsewhere / "home"),
        "CHARTE_AUDIT_CHECKPOINTS": str(elsewhere / "checkpoints"),
        "CHARTE_KEYRING": str(elsewhere / "keyring"),
        "CHARTE_SMTP_URL": "smtp://127.0.0.1:2525",
    } | {v: key() for v in ("CHARTE_FIELD_KEY", "CHARTE_REF_KEY", "CHARTE_AUDIT_SIGNING_KEY",
                            "CHARTE_RECORDINGS_KEY", "CHARTE_CODES_KEY", "CHARTE_DRAW_KEY")}  # fmt: skip
    assert charte("db", "upgrade", cwd=tmp_path, env=env).code == 0
    port = free_port()
    full = {k: v for k, v in os.environ.items() if not k.startswith("CHARTE_")} | env
    proc = subprocess.Popen([sys.executable, "-m", "charte", "serve", "--port", str(port), "--no-sweep"],
                            cwd=tmp_path, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline, status = time.monotonic() + 30, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert status == 200, proc.stderr.read() if proc.poll() is not None else "no answer"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert "warning" not in proc.stderr.read()
    assert not (elsewhere / "home" / "keys").exists()  # no key file was made: all came from the settings
