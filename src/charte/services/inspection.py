"""The CNIL inspection pack (docs/accountability.md, "The inspection pack"): what an inspector
asks for first, in one zip — the Art. 30 register, the policy and its lint, the published charter,
processors and transfers, DPIAs and balancing tests, the breach register, the year's figures, the
rights requests' timelines, the sweeps and the erasure ledger's digests, the active holds, the
audit's signed checkpoints and the result of verifying the chain, the staff's training counts, the
analysis datasets built — with a manifest of every file's SHA-256, signed with the audit's Ed25519 key.

No personal data beyond refs: no requester's name or contact, no staff name, no words the DPO's
team wrote about a request (the refusal reasons stay out); a breach's facts are the team's own,
written without personal data (the form says so).

``verify`` checks a pack: every file listed with its digest, nothing more, the manifest's signature.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from charte.domain.access import Decision, Denial
from charte.domain.policy import Policy
from charte.domain.policy_lint import lint_policy
from charte.domain.vocabulary import Language
from charte.services import accountability, annual_report, training
from charte.services.access import AccessDenied
from charte.services.audit import Report
from charte.services.breach_records import BreachStore
from charte.services.dataset_ports import BuildView
from charte.services.documents.annual_report import CSV_HEADERS, build_report, csv_rows
from charte.services.documents.charter import build_charter
from charte.services.documents.model import Document
from charte.services.documents.register import build_register, register_entries
from charte.services.errors import Refused
from charte.services.holds import HeldCase, standing
from charte.services.read_model import plain

MANIFEST, SIGNATURE, PUBLIC_KEY = "manifest.json", "manifest.sig", "audit-public-key.pem"


@dataclass(frozen=True, slots=True)
class Timeline:
    """A rights request as the pack shows it: its ref, kind and dates, its steps' days and names."""

    request: int
    type: str
    channel: str
    received_on: date
    first_due_on: date | None
    due_on: date | None
    extended_on: date | None
    verified_on: date | None
    finished_on: date | None
    status: str
    matched: bool
    steps: tuple[tuple[date, str], ...]


@dataclass(frozen=True, slots=True)
class SweepRun:
    as_of: date
    finished_at: datetime
    totals: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class LedgerMonth:
    """One month's file of the erasure ledger: its lines and its SHA-256 (the file stays on the
    server, on its own volume; the pack pins it)."""

    name: str
    lines: int
    sha256: str


class PackFacts(Protocol):
    def timelines(self, first: date, after: date) -> list[Timeline]: ...

    def sweep_runs(self, first: date, after: date) -> list[SweepRun]: ...


class Signer(Protocol):
    def sign(self, data: bytes) -> bytes: ...

    def public_pem(self) -> bytes: ...


Verifies = Callable[[bytes, bytes, bytes], bool]  # (data, signature, public key PEM)


@dataclass(frozen=True, slots=True)
class Renderers:
    """How documents become files (the adapters'): HTML pages and CSV text."""

    html: Callable[[Document], str]
    csv: Callable[[Sequence[str], Any], str]


@dataclass(frozen=True, slots=True)
class PackSources:
    policy: Policy
    policy_text: bytes  # the policy file as it is in force
    facts: PackFacts
    report: annual_report.ReportSource
    breaches: BreachStore
    holds: Sequence[HeldCase]
    ledger: Sequence[LedgerMonth]
    checkpoints: Sequence[tuple[str, bytes]]  # the signed checkpoint files, by name
    audit: Report
    trainings: training.TrainingDesk | None
    renderers: Renderers
    # Analysis datasets built (services.datasets): which, under what guarantee, until when.
    dataset_builds: Sequence[BuildView] = ()


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n").encode(
        "utf-8"
    )


def _may_pack(policy: Policy, role: str) -> None:
    role_def = policy.roles.get(role)
    if role not in policy.rights.submit_to or role_def is None or not role_def.archive_access:
        raise AccessDenied(
            Decision(
                False,
                Denial.ROLE_PURPOSE,
                f"role '{role}' may not make the inspection pack "
                "(the DPO's: rights.submit_to, with archive access)",
            )
        )


# Who opened, discovered or stepped a breach are staff: the register on the server names them.
_STAFF_KEYS = ("opened_by", "discovered_by", "actor")


def _build(view: BuildView) -> dict[str, Any]:
    """A dataset build for the inspector: its guarantee and fate, without who (staff) built it."""
    sheet = view.sheet
    return {
        "dataset": view.dataset,
        "build": view.build,
        "role": view.role,
        "purpose": view.purpose,
        "built_at": view.built_at.isoformat(),
        "rows": view.rows,
        "privacy": sheet.get("privacy", {}),
        "counts": sheet.get("counts", {}),
        "columns": sheet.get("columns", []),
        "expires_on": view.purge_due.isoformat(),
        "destroyed_at": view.destroyed_at.isoformat() if view.destroyed_at else None,
        "destroyed_why": view.destroyed_why,
    }


def _breaches(store: BreachStore) -> list[dict[str, Any]]:
    found = []
    for summary in store.all(open_only=False):
        record = store.get(summary.breach)
        shown = plain(record) if record is not None else plain(summary)
        for key in _STAFF_KEYS:
            shown.pop(key, None)
        for step in shown.get("timeline", []):
            for key in _STAFF_KEYS:
                step.pop(key, None)
        found.append(shown)
    return found


def _timelines(items: list[Timeline]) -> list[dict[str, Any]]:
    return [
        {
            **{k: v for k, v in plain(t).items() if k != "steps"},
            "steps": [{"on": on, "step": step} for on, step in t.steps],
        }
        for t in items
    ]


def pack(
    sources: PackSources, *, signer: Signer, role: str, year: int, today: date, now: datetime
) -> dict[str, bytes]:
    """Every file of the pack, the manifest and its signature included (the caller writes the zip)."""
    p = sources.policy
    _may_pack(p, role)
    figures = annual_report.metrics(
        source=sources.report, breaches=sources.breaches, policy=p, role=role, year=year, today=today
    )
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    lang = Language.FR if Language.FR in p.languages else p.default_language
    headers, entries = register_entries(p, lang)
    files: dict[str, bytes] = {
        f"register.{lang}.html": sources.renderers.html(build_register(p, lang)).encode("utf-8"),
        f"register.{lang}.csv": sources.renderers.csv(headers, [e.cells for e in entries]).encode("utf-8"),
        f"charter.{lang}.html": sources.renderers.html(build_charter(p, lang)).encode("utf-8"),
        "policy.yaml": sources.policy_text,
        "policy-lint.json": _json(
            {"as_of": today, "findings": [x.as_dict() for x in lint_policy(p, as_of=today)]}
        ),
        "processors-and-transfers.json": _json(accountability.processors(p)),
        "dpias-and-balancing-tests.json": _json(accountability.assessments(p)),
        "breach-register.json": _json(_breaches(sources.breaches)),
        f"report-{year}.html": sources.renderers.html(
            build_report(
                figures, lang, reasons=False, purposes={k: x.label(lang) for k, x in p.purposes.items()}
            )
        ).encode("utf-8"),
        f"report-{year}.csv": sources.renderers.csv(CSV_HEADERS, csv_rows(figures, reasons=False)).encode(
            "utf-8"
        ),
        f"rights-timelines-{year}.json": _json(_timelines(sources.facts.timelines(first, after))),
        f"sweeps-{year}.json": _json([plain(r) for r in sources.facts.sweep_runs(first, after)]),
        "erasure-ledger.json": _json([plain(m) for m in sources.ledger]),
        "holds-active.json": _json(
            [s for s in (standing(c, p.litigation, today) for c in sources.holds) if s["closed_on"] is None]
        ),
        "audit-verify.json": _json(sources.audit.as_dict()),
        PUBLIC_KEY: signer.public_pem(),
    }
    for name, content in sources.checkpoints:
        files[f"audit-checkpoints/{name}"] = content
    if sources.trainings is not None and p.training is not None:
        roster = training.roster(sources.trainings, role=p.training.managed_by[0])
        by_role = Counter((a["role"], a["status"]) for a in roster["accounts"])
        files["trainings.json"] = _json(
            {
                "as_of": roster["as_of"],
                "counts": roster["counts"],
                "by_role": [{"role": r, "status": s, "accounts": n} for (r, s), n in sorted(by_role.items())],
                "exempt_reads": len(roster["exempt_reads"]),
            }
        )
    if sources.dataset_builds:
        files["datasets.json"] = _json([_build(b) for b in sources.dataset_builds])
    manifest = _json(
        {
            "format": 1,
            "generated_at": now,
            "role": role,
            "policy": p.id,
            "year": year,
            "files": [
                {"path": name, "bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
                for name, content in sorted(files.items())
            ],
        }
    )
    files[MANIFEST] = manifest
    files[SIGNATURE] = signer.sign(manifest)
    return files


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    problems: tuple[str, ...]
    files: int
    signed_by_key: bool  # the signature verified with the key given, not only with the pack's own

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "files": self.files,
            "signed_by_key": self.signed_by_key,
            "problems": list(self.problems),
        }


def verify(files: Mapping[str, bytes], *, verifies: Verifies, public_pem: bytes | None) -> Verification:
    """Check a pack: its manifest's signature (with ``public_pem`` — the server's audit key — or,
    without one, the key the pack carries, which proves integrity only), every file listed with its
    size and digest, no file unlisted."""
    problems: list[str] = []
    manifest, signature = files.get(MANIFEST), files.get(SIGNATURE)
    if manifest is None or signature is None:
        return Verification(False, (f"no {MANIFEST} or {SIGNATURE}: not an inspection pack",), 0, False)
    key = public_pem if public_pem is not None else files.get(PUBLIC_KEY, b"")
    if not verifies(manifest, signature, key):
        problems.append(f"{SIGNATURE}: the manifest's signature does not verify with the audit key")
    try:
        listed = {f["path"]: f for f in json.loads(manifest)["files"]}
    except (ValueError, KeyError, TypeError):
        return Verification(False, (*problems, f"{MANIFEST}: not a manifest"), 0, False)
    for name, entry in sorted(listed.items()):
        content = files.get(name)
        if content is None:
            problems.append(f"{name}: listed in the manifest, missing from the pack")
        elif len(content) != entry.get("bytes") or hashlib.sha256(content).hexdigest() != entry.get("sha256"):
            problems.append(f"{name}: its content differs from the manifest's digest")
    for name in sorted(set(files) - set(listed) - {MANIFEST, SIGNATURE}):
        problems.append(f"{name}: in the pack, not in the manifest")
    return Verification(not problems, tuple(problems), len(listed), public_pem is not None and not problems)


def year_of(value: int | None, today: date) -> int:
    year = value if value is not None else today.year
    if not 2000 <= year <= today.year:
        raise Refused(f"--year {year}: a year from 2000 to {today.year}")
    return year
