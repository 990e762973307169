"""A realistic French demo register, written as lifecycle events (docs/events.md).

Households are generated one after another, each with its events in date order: prospects with
contact histories (some converted), clients whose contracts started over the last ten years (some
ended), sites with one to four trusted persons (some removed), and the occasional other contact.
Names, addresses and phone numbers come from Faker's ``fr_FR`` locale. The same seed and the
same reference date always give the same file. Events are streamed: memory does not grow with N.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO, Any

from charte.adapters.consent_contacts import BadContact, contact_for
from charte.domain.prospecting import Channel

# The consent text the demo's forms showed, by its SHA-256: a proof names the text it was given to.
DEMO_TEXT = hashlib.sha256("Demande de devis, version 3 : j'accepte d'être appelé(e).".encode()).hexdigest()

OFFERS = ("Essentiel", "Confort", "Sérénité", "Pro")
EQUIPMENT = (
    "centrale",
    "détecteur de mouvement",
    "détecteur d'ouverture",
    "sirène",
    "caméra",
    "détecteur de fumée",
)


@dataclass(slots=True)
class DemoStats:
    persons: int = 0
    events: int = 0


class DemoRegister:
    def __init__(self, *, seed: int, today: date) -> None:
        try:
            from faker import Faker
        except ImportError as exc:  # the `demo` extra
            raise RuntimeError("the demo register needs Faker: pip install 'charte[demo]'") from exc
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.rng = random.Random(seed)  # noqa: S311  # demo data, deterministic by design: not a secret
        self.seed = seed
        self.today = today
        self.counter = 0
        self.partners = [f"PART-{i:02d}" for i in range(1, 9)]
        # Consents draw from their own stream: the rest of the register stays what it was.
        self.consent_rng = random.Random(seed + 1)  # noqa: S311  # demo data, not a secret
        self.prescribers = [f"PRESC-{i:03d}" for i in range(1, 41)]
        # Clients' birth dates too (the analysis datasets' ages), from a stream of their own.
        self.birth_rng = random.Random(seed + 2)  # noqa: S311  # demo data, not a secret

    # -- helpers ------------------------------------------------------------------------------

    def _event(self, kind: str, on: date, **body: Any) -> dict[str, Any]:
        self.counter += 1
        return {"id": f"demo-{self.seed}-{self.counter}", "type": kind, "at": on.isoformat(), **body}

    def _days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def _between(self, start: date, end: date) -> date:
        span = (end - start).days
        return start + timedelta(days=self.rng.randint(0, span)) if span > 0 else start

    def _person(self, ref: str, *, full: bool) -> dict[str, Any]:
        female = self.rng.random() < 0.5
        p = {
            "ref": ref,
            "civility": "Mme" if female else "M.",
            "first_name": self.fake.first_name_female() if female else self.fake.first_name_male(),
            "last_name": self.fake.last_name(),
            "phone": self.fake.phone_number(),
        }
        if full:
            p["email"] = self.fake.email()
        return p

    def _address(self) -> str:
        return self.fake.address().replace("\n", ", ")

    # -- households ---------------------------------------------------------------------------

    def _prospect(self, k: int) -> Iterator[dict[str, Any]]:
        ref = f"P{k:07d}"
        collected = self._days_ago(1, 3 * 365)
        source = self.rng.choice(
            [
                {"kind": "subject"},
                {"kind": "partner", "ref": self.rng.choice(self.partners)},
                {"kind": "referral", "ref": f"P{self.rng.randint(1, max(1, k - 1)):07d}"},
            ]
        )
        site = {"ref": f"S{k:07d}", "address": self._address()}
        who = self._person(ref, full=True)
        yield self._event("prospect.collected", collected, person=who, source=source, site=site)
        yield from self._consent(ref, who["phone"], collected, source)
        for on in sorted(self._between(collected, self.today) for _ in range(self.rng.randint(0, 4))):
            inbound = self.rng.random() < 0.4
            answered = inbound or self.rng.random() < 0.6
            outcome = self.rng.choice(("interested", "not_interested")) if answered else "no_answer"
            yield self._event(
                "prospect.contacted",
                on,
                person=ref,
                direction="inbound" if inbound else "outbound",
                answered=answered,
                channel=self.rng.choice(("phone", "email", "web")),
                outcome=outcome,
            )

    def _consent(self, ref: str, phone: str, on: date, source: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Half the prospects agreed to be called when their data were collected (a partner's form,
        or ours); one in ten of them withdrew since (docs/prospecting.md)."""
        if self.consent_rng.random() >= 0.5:
            return
        try:
            contact_for(Channel.PHONE, phone)
        except BadContact:
            return  # a number Faker writes that no telephony would dial: no consent to it
        by_partner = source["kind"] == "partner"
        yield self._event(
            "consent.given",
            on,
            person=ref,
            purpose="prospecting",
            channel="phone",
            contact=phone,
            method="partner" if by_partner else "web_form",
            text={"name": "Demande de devis, version 3", "sha256": DEMO_TEXT},
            source=source if by_partner else {"kind": "subject"},
        )
        if self.consent_rng.random() < 0.1:
            ended = self._between(on, self.today)
            yield self._event("consent.withdrawn", ended, person=ref, purpose="prospecting", channel="phone")

    def _client(self, k: int, stats: DemoStats) -> Iterator[dict[str, Any]]:
        ref, site_ref, contract = f"P{k:07d}", f"S{k:07d}", f"C{k:07d}"
        start = self._days_ago(30, 10 * 365)
        was_prospect = self.rng.random() < 0.5
        if was_prospect:
            collected = start - timedelta(days=self.rng.randint(5, 120))
            yield self._event(
                "prospect.collected",
                collected,
                person=self._person(ref, full=False),
                source={"kind": "partner", "ref": self.rng.choice(self.partners)},
            )
            for on in sorted(self._between(collected, start) for _ in range(self.rng.randint(1, 3))):
                yield self._event(
                    "prospect.contacted", on, person=ref, direction="inbound", answered=True, channel="phone"
                )
            client: Any = {"ref": ref, "email": self.fake.email()}
        else:
            client = self._person(ref, full=True)
        client["birth_date"] = (
            self.today - timedelta(days=self.birth_rng.randint(18 * 365, 92 * 365))
        ).isoformat()
        equipment = ", ".join(self.rng.sample(EQUIPMENT, self.rng.randint(2, 5)))
        access = f"code portail {self.rng.randint(1000, 9999)} ; clés chez {self.fake.first_name()}"
        body: dict[str, Any] = {
            "ref": contract,
            "offer": self.rng.choice(OFFERS),
            "site": {
                "ref": site_ref,
                "address": self._address(),
                "equipment": equipment,
                "access_instructions": access,
            },
        }
        if self.rng.random() < 0.5:
            body["partner"] = self.rng.choice(self.partners)
        if self.rng.random() < 0.3:
            body["prescriber"] = self.rng.choice(self.prescribers)
        source = {"kind": "partner", "ref": body["partner"]} if "partner" in body else {"kind": "subject"}
        yield self._event("contract.signed", start, contract=body, client=client, source=source)
        for rank in range(1, self.rng.randint(1, 4) + 1):
            trusted = f"T{k:07d}-{rank}"
            designated = start + timedelta(days=self.rng.randint(0, 10))
            if designated > self.today:
                break
            stats.persons += 1
            yield self._event(
                "trusted_person.designated",
                designated,
                site=site_ref,
                person=self._person(trusted, full=False),
                rank=rank,
                source={"kind": "client", "ref": ref},
            )
            if self.rng.random() < 0.15:
                yield self._event(
                    "trusted_person.removed",
                    self._between(designated, self.today),
                    site=site_ref,
                    person=trusted,
                )
        if self.rng.random() < 0.1:
            stats.persons += 1
            yield self._event(
                "contact.registered",
                self._between(start, self.today),
                person=self._person(f"O{k:07d}", full=False),
                contract=contract,
                source={"kind": "subject"},
            )
        if self.rng.random() < 0.4:
            yield self._event(
                "contract.ended", self._between(start + timedelta(days=1), self.today), contract=contract
            )

    def write(self, out: IO[str], persons: int) -> DemoStats:
        """Write events for about ``persons`` people (a household is never cut) to ``out``."""
        stats = DemoStats()
        k = 0
        while stats.persons < persons:
            k += 1
            stats.persons += 1
            household = self._client(k, stats) if self.rng.random() < 0.6 else self._prospect(k)
            for event in household:
                out.write(json.dumps(event, ensure_ascii=False) + "\n")
                stats.events += 1
        return stats
