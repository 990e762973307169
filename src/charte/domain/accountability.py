"""The controller's own records (GDPR Art. 5(2), 24): processors and their agreements, transfers
outside the EEA and their mechanisms, impact assessments, balancing tests, training.

Each is declared in the policy beside the processing it is about, so that the register, the
charter and the inspection pack are computed from it and ``policy lint`` can tell, as of a date,
what is missing or overdue (``charte.domain.accountability_lint``). The texts of the law each rule
rests on are named here, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from charte.domain.dates import add_period
from charte.domain.durations import Duration

# -- processors and transfers --------------------------------------------------------------

# The European Economic Area: the 27 member states, Iceland, Liechtenstein and Norway (EEA
# Agreement, Annex XI as amended by Decision 154/2018 of the EEA Joint Committee, incorporating the
# GDPR): a transfer is a disclosure to a country outside it (GDPR Chapter V).
EEA = frozenset(
    {
        *("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU"),
        *("IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"),
        *("IS", "LI", "NO"),
    }
)

# The Commission's adequacy decisions in force (GDPR Art. 45(3); Directive 95/46 Art. 25(6)
# decisions kept in force by Art. 45(9)), by ISO 3166 code. The United States is adequate only for
# organisations certified under the Data Privacy Framework: mechanism ``dpf``, not ``adequacy``.
ADEQUACY = {
    "AD": "Commission Decision 2010/625/EU",
    "AR": "Commission Decision 2003/490/EC",
    "CA": "Commission Decision 2002/2/EC (commercial organisations)",
    "CH": "Commission Decision 2000/518/EC",
    "FO": "Commission Decision 2010/146/EU",
    "GB": "Commission Implementing Decision (EU) 2021/1772",
    "GG": "Commission Decision 2003/821/EC",
    "IL": "Commission Decision 2011/61/EU",
    "IM": "Commission Decision 2004/411/EC",
    "JE": "Commission Decision 2008/393/EC",
    "JP": "Commission Implementing Decision (EU) 2019/419",
    "KR": "Commission Implementing Decision (EU) 2022/254",
    "NZ": "Commission Implementing Decision 2013/65/EU",
    "UY": "Commission Implementing Decision 2012/484/EU",
}
ADEQUACY_AS_OF = "2026-01-01"  # when the list above was last checked against the Commission's


class Mechanism(StrEnum):
    """What a transfer outside the EEA rests on (GDPR Art. 45 to 49)."""

    ADEQUACY = "adequacy"
    SCC_2021 = "scc_2021"
    BCR = "bcr"
    DPF = "dpf"
    DEROGATION = "derogation"


MECHANISM_SOURCE = {
    Mechanism.ADEQUACY: "GDPR Art. 45",
    Mechanism.SCC_2021: (
        "GDPR Art. 46(2)(c); Commission Implementing Decision (EU) 2021/914 (standard contractual clauses)"
    ),
    Mechanism.BCR: "GDPR Art. 46(2)(b), 47 (binding corporate rules)",
    Mechanism.DPF: (
        "GDPR Art. 45; Commission Implementing Decision (EU) 2023/1795 (EU–US Data Privacy Framework)"
    ),
    Mechanism.DEROGATION: "GDPR Art. 49(1)",
}
# A transfer on clauses or binding rules needs an assessment of the destination's law and practice,
# with supplementary measures where it falls short (CJEU C-311/18 Schrems II, 16 July 2020; EDPB
# Recommendations 01/2020 v2.0); the 2021 clauses oblige the parties to make it (clause 14).
TIA_SOURCE = "CJEU C-311/18 (Schrems II); EDPB Recommendations 01/2020; Decision (EU) 2021/914, clause 14"
SCC_MODULES = {
    1: "controller to controller",
    2: "controller to processor",
    3: "processor to processor",
    4: "processor to controller",
}
DEROGATIONS = ("a", "b", "c", "d", "e", "f", "g")  # Art. 49(1) first subparagraph, points (a) to (g)


@dataclass(frozen=True, slots=True)
class Agreement:
    """The contract binding a processor (GDPR Art. 28(3)): when signed, which version, and when it
    is next to be reviewed — from its last review, or its signature."""

    signed_on: date
    version: str
    review_every: Duration
    reviewed_on: date | None = None

    @property
    def review_due(self) -> date:
        return add_period(self.reviewed_on or self.signed_on, self.review_every)


@dataclass(frozen=True, slots=True)
class TransferOut:
    """One country outside the EEA a processor's data go to, and on what (GDPR Chapter V)."""

    country: str  # ISO 3166-1 alpha-2
    mechanism: Mechanism
    module: int | None = None  # the 2021 clauses' module (1 to 4)
    tia: str | None = None  # the reference of the transfer impact assessment
    derogation: str | None = None  # the Art. 49(1) point relied on

    @property
    def source(self) -> str:
        return MECHANISM_SOURCE[self.mechanism]


@dataclass(frozen=True, slots=True)
class Processor:
    """A processor or sub-processor (GDPR Art. 4(8), 28): which of the policy's recipient roles it
    is, which activities it processes data for, where, under which agreement, and its transfers."""

    id: str
    name: str
    recipients: tuple[str, ...]  # roles of kind provider or subcontractor
    activities: tuple[str, ...]
    locations: tuple[str, ...]  # ISO 3166-1 alpha-2 codes where the data are stored or accessed
    agreement: Agreement | None = None
    transfers: tuple[TransferOut, ...] = ()
    sub_processor_of: str | None = None
    authorised_on: date | None = None  # the controller's written authorisation (Art. 28(2))

    @property
    def outside_eea(self) -> tuple[str, ...]:
        return tuple(c for c in self.locations if c not in EEA)


# -- impact assessments --------------------------------------------------------------------

DPIA_SOURCE = "GDPR Art. 35(1), 35(3); Article 29 WP, Guidelines on DPIA (WP248 rev.01), endorsed by the EDPB"
CNIL_LIST_SOURCE = (
    "GDPR Art. 35(4); CNIL, délibération n° 2018-327 du 11 octobre 2018 (liste des AIPD requises)"
)


class Criterion(StrEnum):
    """The nine criteria of WP248 rev.01 (section III.B.a): a processing meeting two or more is
    likely to need a DPIA."""

    EVALUATION = "evaluation_or_scoring"
    AUTOMATED_DECISION = "automated_decision"
    SYSTEMATIC_MONITORING = "systematic_monitoring"
    SENSITIVE = "sensitive_or_highly_personal"
    LARGE_SCALE = "large_scale"
    MATCHING = "matching_datasets"
    VULNERABLE = "vulnerable_persons"
    INNOVATIVE = "innovative_technology"
    PREVENTS_RIGHT = "prevents_a_right"


class CnilListItem(StrEnum):
    """The fourteen types of processing the CNIL's list makes subject to a DPIA (délibération
    n° 2018-327), in the list's order."""

    HEALTH_CARE = "health_care"
    GENETIC_VULNERABLE = "genetic_vulnerable"
    HR_PROFILING = "hr_profiling"
    EMPLOYEE_MONITORING = "constant_employee_monitoring"
    SOCIAL_ALERTS = "social_health_alerts"
    WHISTLEBLOWING = "professional_alerts"
    HEALTH_WAREHOUSE = "health_data_warehouse"
    PROFILING_EXCLUSION = "profiling_contract_exclusion"
    SHARED_BREACHES = "shared_contract_breaches"
    EXTERNAL_PROFILING = "profiling_external_sources"
    BIOMETRIC_VULNERABLE = "biometric_vulnerable"
    SOCIAL_HOUSING = "social_housing"
    SOCIAL_SUPPORT = "social_support"
    LOCATION_LARGE_SCALE = "location_large_scale"


class Risk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class Consultation:
    """The CNIL consulted before the processing (GDPR Art. 36(1)): when, and its reference."""

    on: date
    ref: str


@dataclass(frozen=True, slots=True)
class DpiaRecord:
    """The DPIA carried out: its reference, when, the DPO's signed advice (Art. 35(2)), the
    residual risk after the measures (Art. 36(1)), and its review (Art. 35(11))."""

    ref: str
    carried_out_on: date
    review_every: Duration
    residual_risk: Risk
    dpo_signed_on: date | None = None
    reviewed_on: date | None = None
    prior_consultation: Consultation | None = None

    @property
    def review_due(self) -> date:
        return add_period(self.reviewed_on or self.carried_out_on, self.review_every)


@dataclass(frozen=True, slots=True)
class Dpia:
    """An activity's screening (the criteria met, each with why; the CNIL list's items) and the
    DPIA record, if one was carried out."""

    criteria: Mapping[Criterion, str] = field(default_factory=dict)
    cnil_list: tuple[CnilListItem, ...] = ()
    record: DpiaRecord | None = None

    @property
    def required(self) -> bool:
        return len(self.criteria) >= 2 or bool(self.cnil_list)


# -- balancing tests -----------------------------------------------------------------------

BALANCING_SOURCE = "GDPR Art. 6(1)(f); EDPB Guidelines 1/2024 on processing based on Article 6(1)(f)"


@dataclass(frozen=True, slots=True)
class BalancingTest:
    """The three-step test a legitimate interest rests on (EDPB Guidelines 1/2024): the interest
    pursued, why the processing is necessary for it, the balance with the persons' interests and
    reasonable expectations, and the safeguards — who reviewed it, when, and when again.

    ``subjects``: the subject categories it covers (``None``: every category the purpose rests on
    legitimate interest for)."""

    purpose: str
    interest: str
    necessity: str
    balancing: str
    safeguards: str
    reviewed_by: str
    reviewed_on: date
    review_every: Duration
    subjects: tuple[str, ...] | None = None

    @property
    def review_due(self) -> date:
        return add_period(self.reviewed_on, self.review_every)


# -- training ------------------------------------------------------------------------------

# The controller implements measures to ensure and demonstrate compliance (Art. 24(1)), among
# them awareness-raising and training of staff (Art. 39(1)(b) makes monitoring it a DPO task;
# Art. 32(4): staff with access act only on instructions).
TRAINING_SOURCE = "GDPR Art. 24(1), 32(4), 39(1)(b)"


WARN_BEFORE = Duration(days=30)  # the dashboard lists trainings lapsing within this, by default


@dataclass(frozen=True, slots=True)
class Training:
    """Staff training that gates access: a training lasts ``valid_for`` from its date; a staff
    actor without a current one reads no personal data, except under the ``exempt`` purposes (the
    read is allowed and the DPO warned); the dashboard lists trainings lapsing within ``warn_before``."""

    courses: tuple[str, ...]  # any of them counts
    valid_for: Duration
    managed_by: tuple[str, ...]  # roles that record trainings
    keep_for: Duration  # a record is kept this long after its training lapses, then purged
    exempt: tuple[str, ...] = ()
    warn_before: Duration = WARN_BEFORE
    # Each course's name in the policy's languages (by language code): what the console shows.
    course_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def course_label(self, course: str, lang: str) -> str:
        return self.course_labels.get(course, {}).get(lang, course)

    def valid_until(self, completed_on: date) -> date:
        """The last day a training completed on ``completed_on`` counts."""
        return add_period(completed_on, self.valid_for)

    def purge_due(self, completed_on: date) -> date:
        """The day the sweep deletes the record of a training completed on ``completed_on``."""
        return add_period(self.valid_until(completed_on), self.keep_for) + timedelta(days=1)

    def status(self, completed_on: date | None, today: date) -> str:
        """``current``, ``lapsing`` (within ``warn_before``), ``lapsed`` or ``never``."""
        if completed_on is None:
            return "never"
        until = self.valid_until(completed_on)
        if until < today:
            return "lapsed"
        return "lapsing" if until < add_period(today, self.warn_before) else "current"

    def standing(self, completed_on: date | None, today: date) -> Trained:
        """An actor's training on ``today``, from their latest course completed."""
        return Trained(self.valid_until(completed_on) if completed_on is not None else None, today)


@dataclass(frozen=True, slots=True)
class Trained:
    """An actor's training on the day of a read: the last day it counts (``None``: never trained)."""

    until: date | None
    on: date

    @property
    def current(self) -> bool:
        return self.until is not None and self.on <= self.until

    def describe(self) -> str:
        return "no training on record" if self.until is None else f"training lapsed on {self.until}"
