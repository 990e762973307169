"""The composition root: the one place adapters are chosen and wired to use cases.

Everything is built on first use, so that a command touches only what it needs (`policy check`
never opens the database nor creates a key).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from charte import bootstrap_datasets
from charte.adapters import private_files
from charte.adapters.answer_files import AnswerFolder
from charte.adapters.audit_checkpoints import CheckpointFolder
from charte.adapters.audit_spool import FileSpool
from charte.adapters.breach_files import BreachFolder
from charte.adapters.clock import SystemClock
from charte.adapters.consent_contacts import ConsentContacts
from charte.adapters.db import audit_database, audit_partitions, migrate
from charte.adapters.db.actors_store import SqlActors
from charte.adapters.db.alarms_store import SqlAlarms
from charte.adapters.db.answer_sources import SqlAnswerSources
from charte.adapters.db.audit_store import SqlAuditStore
from charte.adapters.db.breach_scope import SqlScopeSource
from charte.adapters.db.breaches_store import SqlBreaches
from charte.adapters.db.calls_store import SqlCalls
from charte.adapters.db.consent_store import SqlConsents
from charte.adapters.db.disclosures_store import SqlDisclosures
from charte.adapters.db.engine import make_engine
from charte.adapters.db.erasure_replay import SqlErasureReplay
from charte.adapters.db.erasure_store import SqlErasureStore
from charte.adapters.db.field_rotation import SqlFieldRotation
from charte.adapters.db.holds_store import SqlHolds
from charte.adapters.db.information_store import SqlInformation
from charte.adapters.db.key_fingerprints import SqlFingerprints
from charte.adapters.db.outbox_store import SqlOutbox
from charte.adapters.db.person_search import SqlPersonSearch
from charte.adapters.db.portal_store import SqlPortalTickets
from charte.adapters.db.prospecting_store import SqlBloctel, SqlProspecting
from charte.adapters.db.register_queries import SqlRegisterQueries
from charte.adapters.db.register_store import SqlRegisterStore
from charte.adapters.db.report_queries import SqlPackFacts, SqlReportSource
from charte.adapters.db.retention_queries import SqlRetentionQueries
from charte.adapters.db.rights_effects import SqlRightsEffects
from charte.adapters.db.rights_store import SqlRights
from charte.adapters.db.standby import ReadFrom, read_from
from charte.adapters.db.trainings_store import SqlTrainings
from charte.adapters.erasure_ledger import FileErasureLedger
from charte.adapters.event_feed import FeedReader
from charte.adapters.field_cipher import FieldCipher
from charte.adapters.identity_documents import IdentityDocuments
from charte.adapters.key_files import KeyFile
from charte.adapters.notifier import FileOutbox, SmtpNotifier
from charte.adapters.pack_signer import Ed25519Signer
from charte.adapters.passwords import Argon2Passwords
from charte.adapters.policy_file import YamlPolicyLoader
from charte.adapters.recording_vault import DirectoryBlobs, Keyring, S3Blobs, Vault
from charte.adapters.ref_hmac import RefHasher
from charte.adapters.rendering import render_document
from charte.adapters.rendering.csv import render_csv
from charte.adapters.rendering.letters import Letters
from charte.bootstrap_checks import production_problems
from charte.bootstrap_formats import Formats
from charte.config import Settings
from charte.domain.access import AccessGate
from charte.domain.accountability import Trained
from charte.domain.policy import Policy
from charte.services import audit
from charte.services.alarms import AlarmDesk
from charte.services.audit import Auditor
from charte.services.breaches import Keeper
from charte.services.calls import CallDesk
from charte.services.consents import feed_withdrawal_orders
from charte.services.erasure import SWEEP_ACTOR, Eraser
from charte.services.errors import NotReady, Refused
from charte.services.information import Informing
from charte.services.inspection import PackSources, Renderers
from charte.services.keys import KeyRefused, open_key, rotate_field_key
from charte.services.portal import PortalDesk
from charte.services.ports import Clock, PolicyLoader
from charte.services.rights_desk import Answering, Clerk, Desk, Mail, Proofs
from charte.services.training import TrainingDesk

if TYPE_CHECKING:  # the redaction extra is imported only when a transcript is redacted
    from charte.adapters.redaction.engine import Redactor


# What entry points write for the user that names persons (exports, rejects, audio) is owner-only,
# like everything charte keeps (adapters/private_files.py).
open_private = private_files.open_private


class Container(Formats):
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.policies: PolicyLoader = YamlPolicyLoader(default=settings.policy_path)
        self._schema_current = False
        self._keys: dict[str, bytes] = {}  # each key opened (and checked) once per process
        self.audit_group_commit = False  # set by the web app: one writer thread for the audit

    @cached_property
    def policy(self) -> Policy:
        """The configured policy; raises PolicyInvalid (with located problems) if unusable."""
        return self.policies.load().policy

    @cached_property
    def gate(self) -> AccessGate:
        """The policy's access rules, compiled once per container."""
        return AccessGate(self.policy)

    @cached_property
    def engine(self) -> Engine:
        """The register's engine; a SQLite file is created owner-only first (private_files)."""
        if (database := self.settings.sqlite_file) is not None:
            private_files.sqlite_database(database)
            private_files.narrow(self.settings.home)  # one an earlier version made 0755
        return make_engine(self.settings.database_url)

    @cached_property
    def cipher(self) -> FieldCipher:
        return FieldCipher(self.field_key)

    def key_sources(self) -> dict[str, KeyFile]:
        """Every key charte uses: its name in the register, its setting, its file (docs/settings.md)."""
        s, keys = self.settings, self.settings.home / "keys"
        return {
            k.name: k
            for k in (
                KeyFile("field", "the field key", "CHARTE_FIELD_KEY", s.field_key_path, s.field_key),
                KeyFile("refs", "the ref key", "CHARTE_REF_KEY", s.ref_key_path, s.ref_key),
                KeyFile(
                    "audit-signing", "the audit signing key", "CHARTE_AUDIT_SIGNING_KEY",
                    s.audit_key_path, s.audit_signing_key,
                ),
                KeyFile(
                    "recordings-master", "the recordings' master key", "CHARTE_RECORDINGS_KEY",
                    s.recordings_key_path, s.recordings_key,
                ),
                KeyFile(
                    "rights-codes", "the rights codes key", "CHARTE_CODES_KEY",
                    keys / "rights-codes.key", s.codes_key,
                ),
                KeyFile(
                    "calls-draw", "the calls' draw key", "CHARTE_DRAW_KEY",
                    keys / "calls-draw.key", s.draw_key,
                ),
            )
        }  # fmt: skip

    def production_problems(self) -> list[str]:
        """Why this installation must not serve in production (docs/settings.md#production)."""
        return production_problems(self.settings, self.key_sources())

    def open_keys(self) -> None:
        """Open every key now (each checked against the register): a serving process learns at
        its start, not at its first request, that a key is wrong or missing."""
        for name in self.key_sources():
            self._key(name)

    def _key(self, name: str) -> bytes:
        """A key, once per process, checked against the fingerprint the register recorded."""
        if name not in self._keys:
            # The signing key's fingerprint lives with the chain it signs (the audit's own file on
            # SQLite): an audited read must never wait behind an import holding the register's lock.
            where = self.audit_engine if name == "audit-signing" else self.engine
            self._keys[name] = open_key(
                self.key_sources()[name],
                SqlFingerprints(where),
                self.clock.now(),
                production=self.settings.production,
            )
        return self._keys[name]

    @cached_property
    def field_key(self) -> bytes:
        """Read once per process: requests must not go back to the key file each time."""
        return self._key("field")

    @cached_property
    def code_key(self) -> bytes:
        return self._key("rights-codes")

    def migrated_engine(self) -> Engine:
        """The engine, once its schema is known to be current (else NotReady, saying what to run).

        Checked once per container: a request must not re-read the migrations folder.
        """
        if self._schema_current:
            return self.engine
        current, head = migrate.current_revision(self.engine), migrate.head_revision(self.engine)
        if current != head:
            raise NotReady(
                f"the database is at schema revision {current or 'none'}, charte needs {head}: "
                "run `charte db upgrade`"
            )
        self._schema_current = True
        return self.engine

    def register_store(self) -> SqlRegisterStore:
        return SqlRegisterStore(
            self.migrated_engine(),
            self.policy,
            self.cipher,
            self.clock,
            self.ref_hasher,
            self.calls(),
            withdrawal_orders=feed_withdrawal_orders(self.policy),
        )

    def calls(self) -> SqlCalls:
        return SqlCalls(
            self.migrated_engine(),
            self.policy,
            self.ref_hasher,
            self.vault,
            self.clock,
            audit=self.audit_store(),
            ledger=self.erasure_ledger,
        )

    @cached_property
    def erasure_ledger(self) -> FileErasureLedger:
        return FileErasureLedger(self.settings.ledger_dir)

    def register_queries(self) -> SqlRegisterQueries:
        return SqlRegisterQueries(self.migrated_engine(), self.cipher, self.policy.encrypted_fields)

    def person_search(self) -> SqlPersonSearch:
        return SqlPersonSearch(self.migrated_engine(), self.policy.search)

    def prospecting_store(self) -> SqlProspecting:
        return SqlProspecting(self.migrated_engine(), self.policy, self.ref_hasher)

    def consents(self) -> SqlConsents:
        return SqlConsents(self.migrated_engine(), self.policy, self.ref_hasher)

    def bloctel(self) -> SqlBloctel:
        return SqlBloctel(self.migrated_engine(), self.ref_hasher)

    consent_contacts = ConsentContacts()

    def actors(self) -> SqlActors:
        return SqlActors(self.migrated_engine(), audit=self.audit_store())

    def inspection_sources(self, year: int) -> PackSources:
        """Everything the CNIL inspection pack of ``year`` gathers (services.inspection): the
        chain's heads signed first (the pack pins the audit as it stands; a head that cannot be
        signed is what the verification then reports), then verified."""
        self.auditor.sign_quietly()
        verified = audit.verify(
            store=self.audit_store(),
            checkpoints=self.auditor.checkpoints,
            now=self.clock.now(),
            unsigned_for=timedelta(seconds=self.settings.audit_unsigned_for),
        )
        folder = self.auditor.checkpoints
        return PackSources(
            policy=self.policy,
            policy_text=self.settings.policy_path.read_bytes(),
            facts=SqlPackFacts(self.migrated_engine()),
            report=self.report_source(),
            breaches=self.breach_store(),
            holds=self.holds().cases(),
            ledger=self.erasure_ledger.months(year),
            checkpoints=folder.files() if isinstance(folder, CheckpointFolder) else [],
            audit=verified,
            trainings=self.training_desk() if self.policy.training is not None else None,
            renderers=Renderers(html=lambda d: render_document(d, "html"), csv=render_csv),
            dataset_builds=self.dataset_desk().store.builds(),
        )

    def pack_signer(self) -> Ed25519Signer:
        """The inspection pack's signer: the audit's Ed25519 key."""
        return Ed25519Signer(self._key("audit-signing"))

    def report_source(self) -> SqlReportSource:
        """The annual report's facts (services.annual_report)."""
        return SqlReportSource(self.migrated_engine())

    def training_desk(self) -> TrainingDesk:
        """Staff trainings (services.training): recorded, looked up at every account's read."""
        return TrainingDesk(
            self.policy, self.gate, SqlTrainings(self.migrated_engine(), audit=self.audit_store()), self.clock
        )

    @cached_property
    def passwords(self) -> Argon2Passwords:
        return Argon2Passwords()

    @cached_property
    def read_engine(self) -> Engine:
        """Where the heavy read-only pages read (``standby=True`` below): CHARTE_READ_DATABASE_URL,
        a standby, every connection read-only; without it, the register's engine. Decisions, audit
        entries and changes never go there (docs/deploy.md, reads off the primary)."""
        url = self.settings.read_database_url
        if url is None:
            return self.migrated_engine()
        return make_engine(url, setting="CHARTE_READ_DATABASE_URL", read_only=True)

    def read_from(self) -> ReadFrom | None:
        """How old the standby's data are, for the pages that read there; None without a read URL."""
        return None if self.settings.read_database_url is None else read_from(self.read_engine)

    def _reading(self, standby: bool) -> Engine:
        return self.read_engine if standby else self.migrated_engine()

    def outbox(self, *, standby: bool = False) -> SqlOutbox:
        return SqlOutbox(self._reading(standby))

    def retention_queries(self, *, standby: bool = False) -> SqlRetentionQueries:
        alarms = self.policy.alarms
        return SqlRetentionQueries(self._reading(standby), alarms.kept_with if alarms else None)

    @cached_property
    def ref_hasher(self) -> RefHasher:
        return RefHasher(self._key("refs"))

    def erasure_store(self, *, standby: bool = False) -> SqlErasureStore:
        rules = self.policy.prospecting
        kept = self.policy.retention[rules.consent_retention].period if rules is not None else None
        return SqlErasureStore(
            self._reading(standby), self.ref_hasher, audit=self.audit_store(), consent_kept=kept
        )

    def eraser(self) -> Eraser:
        """The one erasure use case: the sweep, requests, objections (the replay has its own)."""
        expiring = bootstrap_datasets.expiry(self, SWEEP_ACTOR)
        return Eraser(self.erasure_store(), self.policy, self.clock, ledger=self.erasure_ledger,
                      recordings=self.calls(), datasets=expiring)  # fmt: skip

    dataset_desk = bootstrap_datasets.dataset_desk  # analysis datasets: built, read, revoked, expired

    def sweep_runs(self, *, standby: bool = False) -> SqlErasureStore:
        return self.erasure_store(standby=standby)

    def erasure_replay(self) -> SqlErasureReplay:
        """The ledger's replay: an eraser and calls that write no ledger line (they re-apply lines)."""
        engine, audit = self.migrated_engine(), self.audit_store()
        calls = SqlCalls(engine, self.policy, self.ref_hasher, self.vault, self.clock, audit=audit)
        eraser = Eraser(self.erasure_store(), self.policy, self.clock)
        return SqlErasureReplay(engine, self.ref_hasher, eraser.replayed, calls)

    def disclosures(self) -> SqlDisclosures:
        return SqlDisclosures(self.migrated_engine(), self.audit_store())

    def breach_store(self) -> SqlBreaches:
        return SqlBreaches(self.migrated_engine(), self.cipher, self.policy.encrypted_fields)

    def breach_keeper(self) -> Keeper:
        """The breach register's use cases (services.breaches)."""
        return Keeper(self.breach_store(), self.gate, self.auditor, self.policy)

    def breach_folder(self) -> BreachFolder:
        return BreachFolder(self.settings.home / "breaches")

    def breach_scope(self) -> SqlScopeSource:
        return SqlScopeSource(self.migrated_engine(), self.audit_engine, self.ref_hasher)

    @cached_property
    def audit_engine(self) -> Engine:
        """The audit chain's database (Settings.audit_url): the register's engine, or a
        database of its own whose tables are created on first use."""
        url = self.settings.audit_url
        if url == self.settings.database_url:
            return self.migrated_engine()
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            private_files.sqlite_database(Path(url.removeprefix("sqlite:///").split("?", 1)[0]))
        engine = make_engine(url, setting="CHARTE_AUDIT_DATABASE_URL")
        audit_database.ensure_schema(engine)
        return engine

    def audit_store(self) -> SqlAuditStore:
        return SqlAuditStore(self.audit_engine)

    def partition_audit(self, *, ahead: int) -> dict[str, Any]:
        """The audit table partitioned by month with pg_partman (adapters.db.audit_partitions)."""
        return audit_partitions.partition(self.audit_engine, ahead=ahead)

    @cached_property
    def auditor(self) -> Auditor:
        """One per process: it keeps the time of the last checkpoint."""
        seed = self._key("audit-signing")
        auditor = Auditor(
            self.audit_store(),
            CheckpointFolder(self.settings.checkpoint_dir, seed),
            self.clock,
            self.ref_hasher,
            every=self.settings.audit_checkpoint_every,
            spool=FileSpool(self.settings.home / "audit-spool.jsonl"),
            spool_for=frozenset(self.policy.audit_spool_for),
        )
        if self.audit_group_commit:
            auditor.start_group_commit()
        return auditor

    @cached_property
    def vault(self) -> Vault:
        """The recordings' store: sealed blobs (a directory, or S3 when CHARTE_BLOBS is
        s3://bucket/prefix), their keys in the keyring, wrapped by the master key."""
        master = self._key("recordings-master")
        keyring = Keyring(self.settings.keyring_dir, master)
        where = self.settings.blobs or str(self.settings.home / "recordings")
        if where.startswith("s3://"):
            try:
                import boto3  # type: ignore[import-untyped]
            except ImportError as exc:
                raise NotReady("recordings in S3 need the s3 extra: pip install 'charte[s3]'") from exc
            bucket, _, prefix = where.removeprefix("s3://").partition("/")
            client = boto3.client("s3", endpoint_url=self.settings.s3_endpoint)
            return Vault(keyring, S3Blobs(client, bucket, prefix))
        return Vault(keyring, DirectoryBlobs(Path(where)))

    @cached_property
    def draw_key(self) -> bytes:
        """Keys the per-call draw of the recorded share: unpredictable to callers."""
        return self._key("calls-draw")

    @cached_property
    def redactor(self) -> Redactor:
        """The French redaction engine (the redaction extra), loaded on first use only: charte
        serve's memory stays small when nobody redacts, and an installation without the extra
        serves everything else (the README's `serve` installs the base and the demo only)."""
        from charte.adapters.redaction import REDACTION_MISSING

        try:
            from charte.adapters.redaction.engine import Redactor
        except ImportError as exc:  # stdnum, imported by the French recognizers, is the extra's too
            raise NotReady(REDACTION_MISSING) from exc
        return Redactor()

    def call_desk(self) -> CallDesk:
        return CallDesk(self.calls(), self.policy, self.gate, self.auditor, self.draw_key)

    def alarm_desk(self) -> AlarmDesk:
        return AlarmDesk(
            SqlAlarms(self.migrated_engine()),
            self.register_queries(),
            self.disclosures(),
            self.policy,
            self.gate,
            self.auditor,
        )

    def holds(self, *, standby: bool = False) -> SqlHolds:
        return SqlHolds(self._reading(standby), self.policy, self.clock, audit=self.audit_store())

    @cached_property
    def notifier(self) -> FileOutbox | SmtpNotifier:
        """SMTP when CHARTE_SMTP_URL is set; otherwise the file outbox under the charte home."""
        if self.settings.smtp_url:
            return SmtpNotifier(self.settings.smtp_url, self.settings.mail_from or self.policy.dpo.email)
        return FileOutbox(self.settings.home / "outbox-mail")

    def identity_documents(self) -> IdentityDocuments:
        return IdentityDocuments(
            self.settings.home / "identity-documents",
            self.field_key,
            self.policy.rights.identity_verification.document_max_bytes,
        )

    def rotate_field_key(self, variable: str, value: str, actor: str) -> dict[str, object]:
        """Re-seal the register under the key given in ``variable`` (docs/settings.md#keys)."""
        if not value:
            raise KeyRefused(f"{variable} is not set: put the new field key (base64) in it")
        new = KeyFile("field", "the new field key", variable, Path(os.devnull), value).read()
        if new is None:  # not reached: a value is given
            raise KeyRefused(f"{variable} is not set")
        return rotate_field_key(
            SqlFieldRotation(self.migrated_engine(), self.cipher),
            self.identity_documents(),
            self.auditor,
            old=self.field_key,
            new=new,
            actor=actor,
            at=self.clock.now(),
        )

    def rights_desk(self, actor: str, role: str, trained: Trained | None = None) -> Desk:
        """The rights use cases' dependencies, for one handler acting in one role (with their
        account's training, behind the console and the API)."""
        clerk = Clerk(
            store=SqlRights(self.migrated_engine(), self.audit_store()),
            register=self.register_queries(),
            policy=self.policy,
            gate=self.gate,
            auditor=self.auditor,
            clock=self.clock,
            actor=actor,
            role=role,
            trained=trained,
        )
        mail = Mail(
            notifier=self.notifier, answers=AnswerFolder(self.settings.home / "answers"), letters=Letters()
        )
        answering = Answering(
            sources=SqlAnswerSources(
                self.retention_queries(),
                self.disclosures(),
                self.audit_store(),
                self.calls(),
                SqlAlarms(self.migrated_engine()),
                self.consents(),
            ),
            effects=SqlRightsEffects(
                self.migrated_engine(), self.policy, self.cipher, self.ref_hasher, self.erasure_ledger
            ),
            eraser=self.eraser(),
            recordings=self.calls(),
        )
        return Desk(clerk, mail, Proofs(self.identity_documents(), self.code_key), answering)

    def portal_tickets(self) -> SqlPortalTickets:
        return SqlPortalTickets(self.migrated_engine())

    def portal_desk(self) -> PortalDesk:
        """The portal acts as actor ``portal`` in the policy's first rights.submit_to role, for the
        few steps a requester may take (charte.services.portal)."""
        if not self.policy.rights.submit_to:
            raise Refused("the policy names no role handling rights requests (rights.submit_to)")
        return PortalDesk(
            rights=self.rights_desk("portal", self.policy.rights.submit_to[0]),
            tickets=self.portal_tickets(),
            finder=self.register_queries(),
            link_key=hmac.new(self.code_key, b"portal-answer-links", hashlib.sha256).digest(),
        )

    def informing(self, actor: str, role: str) -> Informing:
        """The Art. 14 notice use cases' dependencies, for one handler acting in one role."""
        return Informing(
            store=SqlInformation(self.migrated_engine()),
            policy=self.policy,
            gate=self.gate,
            auditor=self.auditor,
            clock=self.clock,
            actor=actor,
            role=role,
            public_url=self.settings.public_url,
        )

    # -- what entrypoints need of adapters, given here so that they import none --------------

    def upgrade_schema(self) -> str:
        """Migrate the register's database to the current schema; its revision."""
        migrate.upgrade(self.engine)
        return str(migrate.current_revision(self.engine))

    def settle_subjects(self) -> int:
        """Fill the audit subject of persons a register from before it left without (the count)."""
        return self.breach_scope().settle()

    def settle_search(self) -> int | None:
        """Rebuild the person search's index if it is not whole for the policy's fields (a register
        from before it, a policy whose search changed); the terms written, None if it was whole."""
        finder = self.person_search()
        return None if finder.whole() else finder.rebuild()

    def feed_reader(self, sender: str | None = None) -> FeedReader:
        """The feed's parser; ``sender``: the system actor whose feed it is (None: the CLI's
        administrator), which may send only the event types the policy gives it."""
        return FeedReader(self.policy, sender)


def bootstrap(settings: Settings | None = None, *, clock: Clock | None = None) -> Container:
    return Container(settings or Settings.from_env(), clock or SystemClock())
