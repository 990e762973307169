"""Fakes for the ports (no mocks): small, real implementations that tests control."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from charte.services.rights_desk import Step


@dataclass
class FixedClock:
    """A clock stopped on a given Paris calendar day."""

    day: date
    shift: timedelta = timedelta(0)  # moves now() within (and past) the day: session expiry, lockouts

    def now(self) -> datetime:
        return datetime.combine(self.day, time(12, 0), tzinfo=ZoneInfo("Europe/Paris")) + self.shift

    def today(self) -> date:
        return self.day


class MemoryAudit:
    """An audit store and checkpoint folder in memory, for use cases run thousands of times in a
    property test: the same chaining as the database's (charte.domain.audit.chain)."""

    def __init__(self) -> None:
        from charte.domain.audit import Chained

        self.chained: list[Chained] = []
        self.entries: list = []
        self._heads: dict[tuple[str, str], tuple[int, str]] = {}

    def append(self, entries, conn=None):
        from charte.domain.audit import chain

        out = chain(entries, self._heads)
        for c in out:
            self._heads[c.key] = (c.seq, c.hash)
        self.chained.extend(out)
        self.entries.extend(entries)
        return out

    def already_chained(self, entries):
        from charte.domain.audit import act_of

        there = {act_of(c.body) for c in self.chained}
        return [e.act() in there for e in entries]

    def heads(self):
        return dict(self._heads)

    def periods(self):
        return sorted({period for period, _ in self._heads})

    def chains(self, periods=None):
        return sorted(k for k in self._heads if periods is None or k[0] in periods)

    def stored(self, period, writer=""):
        return [(c.seq, c.body, c.hash) for c in self.chained if c.key == (period, writer)]

    def altered(self):
        return None

    def drop(self, period):
        return 0

    def keep_ahead(self):
        return None

    # the checkpoint folder's side: nothing is signed in memory
    def sign(self, period, heads, at):
        return None

    def witnessed(self, where):
        return {}

    def latest(self):
        return {}

    def forget(self, period):
        return 0


class MemoryLedger:
    """The disclosures ledger in memory: the entries it was asked to record."""

    def __init__(self, audit: MemoryAudit) -> None:
        self.audit = audit
        self.recorded: list = []

    def record(self, entry):
        self.recorded.append(entry)
        return len(self.recorded), self.audit.append([entry])

    def for_person(self, person_hmac):
        return [e for e in self.recorded if e.subject == person_hmac]


def hmac_of(text: str) -> str:
    """A stand-in for the keyed HMAC of a ref: recognisable in tests, never the ref itself."""
    import hashlib

    return hashlib.sha256(f"test-key:{text}".encode()).hexdigest()


class MemoryErasureStore:
    """The erasure port (services.erasure.ErasureStore) over a register held as domain facts.

    A transaction works on a copy of the state and replaces it on commit, so that a failure
    anywhere in it leaves the register as it was — as the database's transaction does. ``stale``
    makes the next transactions fail with Conflict (another writer got there first)."""

    def __init__(self, facts) -> None:
        self.state = {
            "persons": dict(facts.persons),
            "units": {u.id: u for u in facts.units},
            "roles": {r.id: r for r in facts.roles},
            "contracts": dict(facts.contracts),
            "sites": dict(facts.sites),
            "proofs": [],
            "orders": [],
            "audit": [],
            "tombstones": [],
            "notices": [],
            "applied": {},
        }
        self.runs: list = []
        self.stale = 0
        self.transactions = 0

    def __getattr__(self, name):
        state = self.__dict__.get("state")
        if state is not None and name in state:
            return state[name]
        raise AttributeError(name)

    @contextmanager
    def transaction(self, *, keep=True):
        import copy

        from charte.services.errors import Conflict

        self.transactions += 1
        if self.stale:
            self.stale -= 1
            raise Conflict("another writer changed the register during the erasure; retry")
        tx = MemoryErasureTransaction(copy.deepcopy(self.state))
        yield tx
        if keep:
            self.state = tx.state

    def due_persons(self, as_of, after, size, spared):
        due = sorted(
            {
                u.person
                for u in self.state["units"].values()
                if u.purge_due is not None and u.purge_due <= as_of and u.person > after
            }
        )
        persons = self.state["persons"]
        return [p for p in due if (persons[p].restriction or "") not in spared][:size]

    def held(self):
        from collections import Counter

        from charte.domain.retention import UnitStatus

        return dict(Counter("LIT" for u in self.state["units"].values() if u.status is UnitStatus.HELD))

    def purge_suppressions(self, as_of):
        return 0

    def purge_prospecting(self, as_of, *, apply=True):
        return {}

    def record_run(self, as_of, at, counts):
        self.runs.append((as_of, counts))


class MemoryErasureTransaction:
    def __init__(self, state) -> None:
        self.state = state

    def lock_due(self, candidates):
        return {p: self.state["persons"][p].ref for p in candidates if p in self.state["persons"]}

    def lock(self, ref):
        return next((p.id for p in self.state["persons"].values() if p.ref == ref), None)

    def facts(self, persons):
        from charte.domain.erasure import Contract, Facts, Site

        s = self.state
        roles = tuple(r for r in s["roles"].values() if r.person in persons)
        outside = [r for r in s["roles"].values() if r.person not in persons]
        contracts = {
            ref: Contract(ref, c.site, sum(1 for r in outside if r.contract == ref))
            for ref, c in s["contracts"].items()
        }
        sites = {
            ref: Site(
                ref,
                frozenset(c for c, x in s["contracts"].items() if x.site == ref),
                sum(1 for r in outside if r.site == ref),
            )
            for ref in s["sites"]
        }
        return Facts(
            persons={p: s["persons"][p] for p in persons},
            units=tuple(u for u in s["units"].values() if u.person in persons),
            roles=roles,
            contracts=contracts,
            sites=sites,
        )

    def details(self, facts, needed):
        """Everything was read at once: a plan must come out the same from more facts than it needs."""
        return facts

    def apply(self, plan, on, at):
        from dataclasses import replace

        from charte.domain.retention import context_name
        from charte.services.erasure import Applied, Proof

        s = self.state
        for rid in plan.roles:
            del s["roles"][rid]
        for pid, kind in plan.attributions:
            person = s["persons"][pid]
            fields = {f: kinds - {kind} for f, kinds in person.fields.items()}
            s["persons"][pid] = replace(person, fields=fields)
        for pid, names in plan.fields.items():
            person = s["persons"][pid]
            s["persons"][pid] = replace(
                person, fields={f: k for f, k in person.fields.items() if f not in names}
            )
        for e in plan.erased:
            del s["units"][e.unit.id]
        for pid in plan.persons:
            del s["persons"][pid]
        for ref in plan.contracts:
            del s["contracts"][ref]
        for ref in plan.sites:
            del s["sites"][ref]
        stones = tuple((hmac_of(f"{kind}:{ref}"), kind) for kind, ref in plan.tombstones)
        s["tombstones"] += list(stones)
        proofs = tuple(
            Proof(
                hmac_of(f"person:{e.ref}"),
                e.unit.kind,
                hmac_of(named) if (named := context_name(e.unit.kind, e.unit.context)) else None,
                e.unit.rule,
                e.due_on,
                at,
                e.person_erased,
                e.fields,
            )
            for e in plan.erased
        )
        s["proofs"] += list(proofs)
        s["orders"] += list(plan.orders)
        return Applied(proofs, stones)

    def audit(self, entries):
        self.state["audit"] += list(entries)

    def owe_client_notices(self, request, sites, at):
        self.state.setdefault("client_notices", []).extend((request, site) for site in sites)
        return [f"client-of-{site}" for site in sites]

    def owe_notices(self, request, plan, at):
        self.state["notices"] += [(request, n.ref, n.fields) for n in plan.notices]
        return [f"recipient-of-{n.ref}" for n in plan.notices]

    def already(self, request):
        return self.state["applied"].get(request)

    def remember(self, request, detail, at, actor):
        self.state["applied"][request] = detail


class MemoryErasureLedger:
    """The erasure ledger: lines kept in a list; ``broken`` makes writing fail (a full disk)."""

    def __init__(self) -> None:
        self.lines: list = []
        self.broken = False

    def write(self, record):
        if self.broken:
            raise OSError("no space left on the ledger's disk")
        self.lines.append(record)


class MemoryRightsStore:
    """The rights requests' store (services.rights_desk.RightsStore): requests, their timeline,
    and each step's audit entry chained in ``audit`` as the database chains it with the step."""

    def __init__(self, audit: MemoryAudit) -> None:
        self.audit = audit
        self.requests: dict = {}
        self.timeline: dict = {}

    def add(self, request, at, actor, entry):
        import copy
        import dataclasses

        new_id = len(self.requests) + 1
        request.id = new_id
        self.requests[new_id] = copy.deepcopy(request)
        self.timeline[new_id] = [
            Step(request.received_on, at, "opened", actor, {"channel": request.channel.value})
        ]
        self.audit.append([dataclasses.replace(entry, context=f"rights_request:{new_id}")])
        return new_id

    def get(self, request_id):
        import copy

        found = self.requests.get(request_id)
        return copy.deepcopy(found) if found is not None else None

    def save(self, request, at, on, step, actor, detail, entry):
        import copy

        self.requests[request.id] = copy.deepcopy(request)
        self.timeline[request.id].append(Step(on, at, step, actor, detail))
        self.audit.append([entry])

    def listing(self, *, overdue_on, due_before, open_only):
        out = [r for r in self.requests.values() if not (open_only or overdue_on) or r.status.open]
        if overdue_on is not None:
            out = [r for r in out if r.due_on is not None and r.due_on < overdue_on]
        if due_before is not None:
            out = [r for r in out if r.due_on is not None and r.due_on < due_before]
        return sorted(out, key=lambda r: (r.due_on is None, r.due_on or date.max, r.id))

    def steps(self, request_id):
        return list(self.timeline.get(request_id, []))

    def earlier(self, request, since):
        return [
            r.id
            for r in self.requests.values()
            if request.person_ref is not None
            and r.person_ref == request.person_ref
            and r.type == request.type
            and r.received_on >= since
            and r.id < request.id
        ]


class MemoryNotifier:
    """Messages delivered into a list; ``down`` makes delivery fail as a refusing relay does."""

    def __init__(self) -> None:
        self.sent: list = []
        self.down = False

    def send(self, to, subject, text, attachments=()):
        from charte.services.errors import NotSent

        if self.down:
            raise NotSent("the relay refused the message")
        self.sent.append((to, subject, text, [name for name, _ in attachments]))
        return f"message-{len(self.sent)}"


class MemoryLetters:
    """Letters rendered to recognisable text (the real HTML and PDF renderers are tested apart)."""

    def html(self, doc):
        return f"<h1>{doc.title}</h1>"

    def pdf(self, doc):
        return f"%PDF {doc.title}".encode()


class MemoryAnswers:
    """The answers' folder: letters and archives by name, and the notices kept to send again."""

    def __init__(self) -> None:
        from pathlib import Path

        self.root = Path("/answers")
        self.files: dict = {}
        self.kept: dict = {}

    def write(self, request_id, archive, files, loose, out):
        self.files[(request_id, archive)] = files
        return [self.root / archive]

    def archive(self, request_id):
        return next(
            (self.root / n for (rid, n) in self.files if rid == request_id and n.endswith(".zip")), None
        )

    def letter(self, request_id, stem, html, pdf, out):
        self.files[(request_id, f"{stem}.html")] = html
        self.files[(request_id, f"{stem}.pdf")] = pdf
        return [self.root / f"{stem}.html", self.root / f"{stem}.pdf"]

    def find(self, request_id, name):
        return self.root / name if (request_id, name) in self.files else None

    def keep_unsent(self, request_id, record):
        self.kept.setdefault(request_id, []).append((f"unsent-{len(self.kept.get(request_id, []))}", record))

    def unsent(self, request_id):
        return list(self.kept.get(request_id, []))

    def sent(self, request_id, name):
        self.kept[request_id] = [(n, r) for n, r in self.kept.get(request_id, []) if n != name]


class MemoryPersons:
    """The register as the rights desk looks a person up: refs to their fields."""

    def __init__(self, persons: dict | None = None) -> None:
        self.known = persons or {}

    def person(self, ref):
        from charte.services.person_view import PersonView

        fields = self.known.get(ref)
        return None if fields is None else PersonView(ref, dict(fields))

    def persons(self, criteria):
        return 0, []

    def designated_by(self, ref):
        return []


@dataclass
class _RegisterState:
    persons: set = field(default_factory=set)
    sites: set = field(default_factory=set)
    contracts: dict = field(default_factory=dict)
    open_roles: dict = field(default_factory=dict)
    ended_roles: list = field(default_factory=list)
    digests: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)  # (person, field) -> value
    contact_log: list = field(default_factory=list)


class MemoryRegister:
    """The register as an import sees it (services.importing.RegisterStore), in memory: persons,
    sites, contracts, open roles, fields, contacts and the events' digests. A transaction works on
    a copy; only ``commit`` makes it the register (nothing else is kept: a rolled-back import
    leaves the register as it was)."""

    def __init__(self) -> None:
        self.kept = _RegisterState()
        self.commits = 0
        self.on_commit = None  # called before a commit (a test checks what is there by then)

    @contextmanager
    def importing(self):
        writer = MemoryRegisterWriter(self)
        yield writer
        if writer.committed:
            self.kept = writer.state
            self.commits += 1


class MemoryRegisterWriter:
    def __init__(self, register: MemoryRegister) -> None:
        import copy

        self.register, self.state, self.committed = register, copy.deepcopy(register.kept), False
        self.chunks = 0
        self.ids = len(self.state.open_roles) + len(self.state.ended_roles)

    def load(self, events):
        import copy

        from charte.domain.register_rules import RegisterChunk

        s = self.state
        return RegisterChunk(
            persons=set(s.persons),
            sites=set(s.sites),
            contracts=copy.deepcopy(s.contracts),
            open_roles=copy.deepcopy(s.open_roles),
            event_digests=dict(s.digests),
            sites_with_contract={c.site_ref for c in s.contracts.values()},
        )

    def write(self, chunk) -> None:
        s = self.state
        s.persons |= set(chunk.new_persons)
        s.sites |= set(chunk.new_sites)
        s.contracts = dict(chunk.contracts)
        for role in chunk.new_roles:  # written: the next chunk loads it with its id
            self.ids += 1
            role.id = self.ids
        s.ended_roles += [r for r in (*chunk.new_roles, *chunk.changed_roles) if r.ended_on is not None]
        s.open_roles = dict(chunk.open_roles)
        s.digests = dict(chunk.event_digests)
        for key, value in chunk.person_fields.items():
            if value is None:
                s.fields.pop(key, None)
            else:
                s.fields[key] = value
        s.contact_log += chunk.contact_log
        self.chunks += 1

    def commit(self) -> None:
        if self.register.on_commit is not None:
            self.register.on_commit()
        self.committed = True
