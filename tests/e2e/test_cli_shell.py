"""The command in a shell: `--version` at once, help not cut, completion, and pipes closed early."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.e2e.cli import charte


def test_version_is_answered_without_importing_the_application(tmp_path):
    """docs/cli.md: a script checking the version does not pay a second of imports (the database
    layer, the command framework)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "charte", "--version"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert (proc.returncode, proc.stdout.strip()) == (0, "0.1.0")
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines() if "|" in line}
    assert "charte" in imported
    assert imported.isdisjoint({"sqlalchemy", "typer", "fastapi", "yaml", "cryptography"})


def test_the_help_gives_each_command_s_summary_whole(tmp_path):
    """docs/cli.md: the lists of commands are not cut at the terminal's width nor at « Art. »."""
    top = charte("--help", cwd=tmp_path)
    rights = charte("rights", "--help", cwd=tmp_path)
    assert top.code == rights.code == 0
    listed = [line for line in (top.out + rights.out).splitlines() if not line.startswith("Usage:")]
    assert [line for line in listed if line.rstrip().endswith("...")] == []
    assert "Send the Art. 19 notices still owed" in " ".join(rights.out.split())
    assert "--install-completion" in top.out


def test_completion_installs_for_the_shell_and_completes_commands(tmp_path):
    """docs/cli.md: `charte --install-completion` writes the shell's completion and hooks it in."""
    env = {"HOME": str(tmp_path), "SHELL": "/bin/bash"}
    installed = charte("--install-completion", "bash", cwd=tmp_path, env=env)
    if installed.code == 2:  # a Typer that detects the shell takes no argument
        installed = charte("--install-completion", cwd=tmp_path, env=env)
    assert installed.code == 0, installed.err
    hooked = (tmp_path / ".bashrc").read_text()
    assert "charte" in hooked
    completed = charte(cwd=tmp_path, env={"_CHARTE_COMPLETE": "complete_bash", "COMP_WORDS": "charte ri",
                                          "COMP_CWORD": "1"})  # fmt: skip
    assert "rights" in completed.out.split()


def test_a_listing_piped_into_a_reader_that_stops_early_exits_quietly(home):
    """docs/cli.md: `charte retention schedule | head` is not an error: exit 0, no traceback."""
    cwd, env = home
    assert charte("demo", "seed", "--persons", "400", "--seed", "1", cwd=cwd, env=env).code == 0
    args = [sys.executable, "-m", "charte", "retention", "schedule", "--as", "dpo", "--format", "json"]
    full_env = {**os.environ, **env}
    whole = subprocess.run(args, cwd=cwd, env=full_env, capture_output=True, check=True)
    # More than a pipe and the writer's buffer hold: the writer meets the closed end while it writes.
    assert len(whole.stdout) > 65536 + 8192
    proc = subprocess.Popen(args, cwd=cwd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    assert proc.stdout.read(100).startswith(b"[")
    proc.stdout.close()  # as head does after its lines
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert err.decode() == ""


def test_without_the_redaction_extra_redacting_says_the_one_command_that_installs_it(home):
    """README: `serve` installs the base and the demo; the first use of redaction names what to
    install (charte never installs packages itself), and nothing else needs the extra."""
    cwd, env = home
    blocked = "import sys\nfor m in ('stdnum', 'presidio_analyzer', 'spacy'): sys.modules[m] = None\n"
    code = blocked + (
        "sys.argv = ['charte', *sys.argv[1:]]\nfrom charte.entrypoints.cli.launch import run\nrun()\n"
    )
    base = [sys.executable, "-c", code]
    full_env = {**os.environ, **env}
    redacting = subprocess.run([*base, "recordings", "export-for-analysis", "--as", "recording_analyst",
                                "--purpose", "ai_experiments"], cwd=cwd, env=full_env, capture_output=True,
                               text=True, check=False)  # fmt: skip
    assert redacting.returncode == 1
    assert redacting.stderr.strip() == (
        "error: redacting transcripts needs the redaction extra (Presidio and the French spaCy model): "
        "run `python3 scripts/dev.py setup --all` in a clone, or `pip install 'charte[redaction]'`"
    )
    checked = subprocess.run([*base, "policy", "check"], cwd=cwd, env=full_env, capture_output=True, text=True,
                             check=False)  # fmt: skip
    assert checked.returncode == 0, checked.stderr
