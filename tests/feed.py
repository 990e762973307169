"""Builders of feed events (docs/events.md) for tests: readable scenarios, exact JSON."""

from __future__ import annotations

from typing import Any


def person(ref: str, **fields: Any) -> dict[str, Any]:
    return {"ref": ref, **fields}


def collected(
    id: str, at: str, who: Any, *, source: dict | None = None, site: dict | None = None
) -> dict[str, Any]:
    event = {
        "id": id,
        "type": "prospect.collected",
        "at": at,
        "person": who,
        "source": source or {"kind": "subject"},
    }
    if site is not None:
        event["site"] = site
    return event


def contacted(
    id: str, at: str, who: Any, *, direction: str = "inbound", answered: bool = True, **extra: Any
) -> dict[str, Any]:
    return {"id": id, "type": "prospect.contacted", "at": at, "person": who, "direction": direction,
            "answered": answered, **extra}  # fmt: skip


def signed(
    id: str, at: str, contract: str, client: Any, *, site: str = "S1", **site_fields: Any
) -> dict[str, Any]:
    return {
        "id": id, "type": "contract.signed", "at": at,
        "contract": {"ref": contract, "offer": "Essentiel", "site": {"ref": site, "address": "1 rue des Lilas", **site_fields}},
        "client": client, "source": {"kind": "subject"},
    }  # fmt: skip


def ended(id: str, at: str, contract: str) -> dict[str, Any]:
    return {"id": id, "type": "contract.ended", "at": at, "contract": contract}


def designated(id: str, at: str, site: str, who: Any, *, rank: int | None = None) -> dict[str, Any]:
    event = {"id": id, "type": "trusted_person.designated", "at": at, "site": site, "person": who,
             "source": {"kind": "client"}}  # fmt: skip
    if rank is not None:
        event["rank"] = rank
    return event


def removed(id: str, at: str, site: str, who: str) -> dict[str, Any]:
    return {"id": id, "type": "trusted_person.removed", "at": at, "site": site, "person": who}


def registered(id: str, at: str, who: Any, contract: str) -> dict[str, Any]:
    return {"id": id, "type": "contact.registered", "at": at, "person": who, "contract": contract,
            "source": {"kind": "subject"}}  # fmt: skip


def call(id: str, at: str, ref: str, *, number: str | None = "0612345678", direction: str = "inbound",
         person: str | None = None, recorded: bool = True, live: bool = False, audio: str | None = None) -> dict[str, Any]:  # fmt: skip
    event: dict[str, Any] = {"id": id, "type": "call.recorded", "at": at,
                             "call": {"ref": ref, "number": number, "direction": direction},
                             "recorded": recorded, "listened_live": live}  # fmt: skip
    if person is not None:
        event["person"] = person
    if audio is not None:
        event["audio"] = audio
    return event


def transcribed(id: str, at: str, ref: str, text: str) -> dict[str, Any]:
    return {"id": id, "type": "call.transcribed", "at": at, "call": ref, "text": text}


# A client's life in seven events: collected as a prospect, contacted, signed; a trusted person
# designated then removed; another contact registered; the contract ended.
SCENARIO = [
    collected("e1", "2025-01-10", person("P1", first_name="Ana", last_name="Roux", phone="0612345678"),
              source={"kind": "partner", "ref": "BANQUE-X"}, site={"ref": "S1", "address": "1 rue des Lilas"}),
    contacted("e2", "2025-01-12", "P1", channel="phone", outcome="interested"),
    signed("e3", "2025-02-01T10:00:00+01:00", "C1", person("P1", email="ana@example.org"),
           access_instructions="code 4321, clé chez la voisine"),
    designated("e4", "2025-02-02", "S1", person("T1", first_name="Luc", phone="0700000001"), rank=1),
    registered("e5", "2025-02-03", person("O1", last_name="Petit"), "C1"),
    removed("e6", "2025-03-01", "S1", "T1"),
    ended("e7", "2026-02-01", "C1"),
]  # fmt: skip
