"""The CNIL inspection pack: what an inspector asks for first, signed, without personal data beyond
refs (GDPR Art. 5(2), 30(4), 31, 33(5), 58(1)(a))."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from charte.adapters.inspection_zip import read_pack, write_pack
from charte.adapters.pack_signer import Ed25519Signer, verifies
from charte.domain.vocabulary import CourtKind
from charte.services import breaches, datasets, holds, inspection, rights
from charte.services.access import AccessDenied, Reader
from charte.services.breach_records import NewBreach
from charte.services.errors import Refused
from charte.services.queries import show_person
from charte.services.retention import sweep
from tests.conftest import TODAY, run_import, token
from tests.feed import person, signed

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@pytest.fixture
def packed(app, tmp_path) -> tuple[dict[str, bytes], object]:
    """A register with a client named Łukasz, his access request, a breach, a hold, a sweep and a
    trained DPO account; the pack made of it."""
    run_import(app, [signed("e1", "2025-02-01", "C1", person("P1", first_name="Łukasz", last_name="Dvořák",
                                                            email="lukasz@example.org"))])  # fmt: skip
    show_person(queries=app.register_queries(), gate=app.gate, auditor=app.auditor,
                reader=Reader("cs-7", "customer_service", "contract_management"), ref="P1")  # fmt: skip
    desk = app.rights_desk("dpo-1", "dpo")
    opened = rights.open_request(desk, type_="access", received_on=date(2026, 11, 2), channel="email",
                                 claimed_name="Łukasz Dvořák", contact="lukasz@example.org", person="P1")  # fmt: skip
    rights.refuse(desk, opened["id"], "Demande de M. Dvořák manifestement excessive")
    breaches.open_breach(
        app.breach_keeper(), actor="dpo-1", role="dpo",
        new=NewBreach(title="Ordinateur volé", discovered_at=NOW, discovered_by="Mme Garnier", aware_at=NOW,
                      natures=breaches.natures_of(["confidentiality"]), facts={"cause": "vol"}),
    )  # fmt: skip
    holds.place(holds=app.holds(), actor="legal-1", role="legal", gate=app.gate, case="RG-26/001", kind=CourtKind.CIVIL,
                subjects=[("person", "P1")], reason="assignation")  # fmt: skip
    sweep(sweeper=app.eraser(), as_of=TODAY, today=TODAY)
    token(app, "dpo-1", role="dpo")
    datasets.build(app.dataset_desk(), Reader("analyste-Garnier", "recording_analyst", "service_improvement"),
                   "offers_by_region")  # fmt: skip
    files = inspection.pack(app.inspection_sources(2026), signer=app.pack_signer(), role="dpo", year=2026,
                            today=TODAY, now=NOW)  # fmt: skip
    out = write_pack(tmp_path / "pack.zip", files)
    return files, out


def test_the_pack_holds_what_an_inspector_asks_first_and_verifies_with_the_server_s_key(app, packed):
    """The register, policy and lint, charter, processors, DPIAs and balancing tests, the breach
    register, the year's figures, the requests' timelines, sweeps, ledger digests, active holds, the
    audit's checkpoints and verification — every file in a signed manifest."""
    files, out = packed
    for name in ("register.fr.html", "register.fr.csv", "policy.yaml", "policy-lint.json", "charter.fr.html",
                 "processors-and-transfers.json", "dpias-and-balancing-tests.json", "breach-register.json",
                 "report-2026.html", "report-2026.csv", "rights-timelines-2026.json", "sweeps-2026.json",
                 "erasure-ledger.json", "holds-active.json", "audit-verify.json", "trainings.json",
                 "datasets.json"):  # fmt: skip
        assert name in files, name
    assert any(n.startswith("audit-checkpoints/") for n in files)
    assert json.loads(files["audit-verify.json"])["ok"] is True
    (timeline,) = json.loads(files["rights-timelines-2026.json"])
    assert (timeline["type"], timeline["status"], timeline["matched"]) == ("access", "refused", True)
    assert [s["step"] for s in timeline["steps"]][-1] == "refused"
    (held,) = json.loads(files["holds-active.json"])
    assert held["case"] == "RG-26/001"
    (built,) = json.loads(files["datasets.json"])  # which dataset, under what guarantee, until when
    assert (built["dataset"], built["privacy"]["epsilon"], built["expires_on"]) == ("offers_by_region", 0.5,
                                                                                  "2027-05-26")  # fmt: skip
    assessments = json.loads(files["dpias-and-balancing-tests.json"])
    assert assessments["dpia"]["call_recording"]["dpia_required"] is True
    manifest = json.loads(files["manifest.json"])
    assert {f["path"] for f in manifest["files"]} == set(files) - {"manifest.json", "manifest.sig"}
    key = app.pack_signer().public_pem()
    checked = inspection.verify(read_pack(out), verifies=verifies, public_pem=key)
    assert (checked.ok, checked.signed_by_key, checked.problems) == (True, True, ())


def test_the_pack_carries_no_name_contact_staff_name_or_words_written_about_a_request(packed):
    """Refs only: the requester's name and e-mail, the staff who read or stepped, the refusal's
    words (which name him here) and who discovered the breach are nowhere in the pack."""
    files, _ = packed
    everything = b"\n".join(files.values())
    for leak in ("Łukasz", "Dvořák", "lukasz@example.org", "cs-7", "dpo-1", "legal-1", "Garnier",
                 "manifestement excessive"):  # fmt: skip
        assert leak.encode() not in everything, leak


def test_a_changed_added_or_removed_file_or_another_key_s_signature_is_found(app, packed, tmp_path):
    """The manifest pins every file; the signature pins the manifest to the server's audit key."""
    files, _ = packed
    key = app.pack_signer().public_pem()
    changed = dict(files) | {"policy.yaml": files["policy.yaml"].replace(b"P5Y", b"P9Y", 1)}
    changed["extra.txt"] = b"?"
    del changed["holds-active.json"]
    found = inspection.verify(changed, verifies=verifies, public_pem=key)
    assert found.problems == (
        "holds-active.json: listed in the manifest, missing from the pack",
        "policy.yaml: its content differs from the manifest's digest",
        "extra.txt: in the pack, not in the manifest",
    )
    # A forger re-signs a manifest of their own with their own key, shipped in the pack.
    forger = Ed25519Signer(Ed25519PrivateKey.generate().private_bytes_raw())
    forged = dict(files) | {
        "manifest.sig": forger.sign(files["manifest.json"]),
        "audit-public-key.pem": forger.public_pem(),
    }
    with_server_key = inspection.verify(forged, verifies=verifies, public_pem=key)
    assert with_server_key.problems[0].startswith("manifest.sig: the manifest's signature does not verify")
    own_key_only = inspection.verify(forged, verifies=verifies, public_pem=None)
    assert (own_key_only.problems, own_key_only.signed_by_key) == (
        ("audit-public-key.pem: its content differs from the manifest's digest",), False,
    )  # fmt: skip


def test_a_zip_with_a_name_outside_the_pack_is_refused_before_anything_is_read(tmp_path):
    """A crafted zip cannot write or hide files beyond the pack's folder."""
    bad = tmp_path / "bad.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("inspection/../../etc/cron.d/x", b"*")
    bad.write_bytes(buffer.getvalue())
    with pytest.raises(Refused, match="outside the pack"):
        read_pack(bad)


def test_only_the_dpo_makes_the_pack(app):
    """rights.submit_to, with archive access (the pack reports on archived data's erasure)."""
    with pytest.raises(AccessDenied):
        inspection.pack(app.inspection_sources(2026), signer=app.pack_signer(), role="sales", year=2026,
                        today=TODAY, now=NOW)  # fmt: skip
