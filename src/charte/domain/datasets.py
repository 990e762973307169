"""Analysis datasets: the one sanctioned way to take register data out for analysis (the charter:
« analyser des ensembles de données nous permettant d'améliorer nos prestations », only the data
strictly needed — GDPR Art. 5(1)(b)-(c), 25(1), 89(1)).

A dataset is declared in the policy (``datasets.<id>``): its purpose, its population, each column
drawn from the register with its transformation, its privacy model, its recipients and its
retention. This module holds the declaration's model and the transformations, all pure: what a
column becomes (``Column.value``), how a generalised value coarsens one level up (``coarsen``),
the keyed pseudonym. ``dataset_anonymity`` checks k-anonymity and l-diversity; the policy's
refusals are ``dataset_checks``.

Sources: WP29 Opinion 05/2014 on anonymisation techniques (generalisation, k-anonymity,
l-diversity, differential privacy; a keyed hash is pseudonymisation, not anonymisation — the
output stays personal data, hence its recipients, purpose and retention).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from charte.domain.dates import add_period
from charte.domain.durations import Duration

ALL = "*"  # the last level of every generalisation: one class for every value
UNKNOWN = "?"  # a value charte cannot generalise (no postcode in an address, no date)
# A differentially private dataset is one histogram over public cells: beyond this many, noise
# drowns every count and the file grows with the product of the columns' domains.
MAX_CELLS = 1_000_000


class Transform(StrEnum):
    DROP = "drop"  # declared left out: the data sheet shows the minimisation
    KEEP = "keep"
    GENERALISE = "generalise"
    PSEUDONYM = "pseudonym"  # HMAC-SHA256 under a key of the build's own: not joinable elsewhere
    REDACT = "redact"  # free text with names, numbers, addresses... replaced by typed placeholders
    COUNT = "count"  # differential privacy: the noisy number of persons in each cell


class Generaliser(StrEnum):
    AGE = "age_band"  # a birth date -> the age on the build's day, in bands of years
    YEARS_SINCE = "years_band"  # a date (a contract's start) -> whole years since, in bands
    PLACE = "place"  # an address -> its département, then its region (INSEE)
    PERIOD = "period"  # a date -> its week, month, quarter or year
    FAMILY = "family"  # a value -> its family, by the declaration's mapping


class Population(StrEnum):
    # Clients with a contract running on the build's day (one row each, their latest contract):
    # ended contracts sit in the intermediate archive, not in analyses (CNIL, durées de
    # conservation: archived data are consulted only for the reason they were archived).
    CLIENTS = "clients"
    # Recorded calls with a transcript, one row each: the redacted transcripts' one way out. The
    # callers are of every category (and the staff who answered): the recordings' fields only.
    CALLS = "calls"


# What each population's rows hold: the subject category whose fields it may draw, and the
# values the register keeps outside the person's fields (the contract's, the call's).
POPULATION_SUBJECT: dict[Population, str | None] = {Population.CLIENTS: "client", Population.CALLS: None}
BUILT_IN_SOURCES: dict[Population, frozenset[str]] = {
    Population.CLIENTS: frozenset({"person"}),
    Population.CALLS: frozenset({"call", "direction"}),
}


class LeftOut(StrEnum):
    """Why a person or a call of the population is not in a build, the first that applies."""

    OBJECTED = (
        "objected"  # GDPR Art. 21(1): to the dataset's purpose (or, for a call, to a use the recording stops)
    )
    RESTRICTED = "restricted"  # Art. 18(2): restricted data serve only the restriction's exceptions
    DUE = "due"  # Art. 5(1)(e): due for erasure, the sweep not yet run


def call_left_out(
    objected: frozenset[str],
    purpose: str,
    stops: frozenset[str],
    *,
    restricted: bool,
    include_restricted: bool,
    due: bool,
) -> LeftOut | None:
    """Whether a call leaves with a dataset: not if its caller (their person or their number)
    objected to the purpose or to any use an objection stops (policy recordings.opposition_stops),
    nor if their data are restricted, nor if the recording is due for erasure."""
    if purpose in objected or objected & stops:
        return LeftOut.OBJECTED
    if restricted and not include_restricted:
        return LeftOut.RESTRICTED
    return LeftOut.DUE if due else None


class PrivacyModel(StrEnum):
    K_ANONYMITY = "k_anonymity"
    DIFFERENTIAL_PRIVACY = "differential_privacy"


PERIOD_LEVELS = ("week", "month", "quarter", "year")


@dataclass(frozen=True, slots=True)
class Column:
    name: str  # the output column's name
    source: str  # a policy field, or a population's built-in source
    transform: Transform
    generaliser: Generaliser | None = None
    # The levels a generalisation may climb, finest first (then ALL): band widths in years for
    # ages and years, "departement"/"region" for places, PERIOD_LEVELS for dates, "family".
    levels: tuple[str, ...] = ()
    top: int = 90  # bands: from this many years, one band ("90+")
    families: dict[str, str] = field(default_factory=dict)  # value -> family (FAMILY)

    @property
    def is_output(self) -> bool:
        return self.transform is not Transform.DROP

    @property
    def climbs(self) -> int:
        """How many levels this column may climb: its declared ones, then ALL (kept columns
        stay as they are)."""
        return len(self.levels) if self.transform is Transform.GENERALISE else 0

    def value(self, raw: str | date | None, on: date) -> str:
        """The column's value at its finest level for a raw register value (``on``: the build's day)."""
        if raw is None or raw == "":
            return UNKNOWN
        if self.transform is Transform.KEEP:
            return raw.isoformat() if isinstance(raw, date) else str(raw)
        g = self.generaliser
        if g is Generaliser.FAMILY:
            return self.families.get(str(raw), "other")
        if g is Generaliser.PLACE:
            found = departement_of(str(raw))
            return found if self.levels[0] == "departement" else region_of(found)
        day = raw if isinstance(raw, date) else _day(str(raw))
        if day is None:
            return UNKNOWN
        if g is Generaliser.PERIOD:
            return period_of(day, self.levels[0])
        years = _whole_years(day, on)
        if years < 0:
            return UNKNOWN
        return band(years, int(self.levels[0]), self.top)

    def coarsen(self, value: str, level: int) -> str:
        """``value`` (at level 0) at ``level``: 0 is the finest, ``climbs`` is ALL."""
        if level == 0 or (value == UNKNOWN and level < self.climbs):
            return value
        if level >= self.climbs:
            return ALL
        target = self.levels[level]
        g = self.generaliser
        if g is Generaliser.PLACE:
            return region_of(value) if target == "region" else value
        if g is Generaliser.PERIOD:
            return _period_up(value, target)
        if g in (Generaliser.AGE, Generaliser.YEARS_SINCE):
            return rebanded(value, int(target), self.top)
        return value  # FAMILY has one level


@dataclass(frozen=True, slots=True)
class KAnonymity:
    k: int
    l: int = 1  # noqa: E741 - the l of l-diversity (Machanavajjhala et al., 2007)
    sensitive: tuple[str, ...] = ()  # output columns each group must show l distinct values of
    max_suppression: float = 0.05  # share of rows that may be left out rather than generalise more


@dataclass(frozen=True, slots=True)
class DifferentialPrivacy:
    epsilon: float  # spent by each build
    budget: float  # spent by all the dataset's builds together, ever: a release is not taken back


@dataclass(frozen=True, slots=True)
class DatasetSpec:
    id: str
    label: dict[str, str]  # language -> name
    purpose: str
    population: Population
    columns: tuple[Column, ...]
    privacy: KAnonymity | DifferentialPrivacy
    recipients: tuple[str, ...]  # roles that may build and read it
    retention: str  # a retention rule of the policy: its period counts from the build
    # A person who restricted their data (Art. 18) is left out unless this is true; the policy's
    # access.restriction_exceptions must then list the purpose (dataset_checks).
    include_restricted: bool = False
    # The population's period before the build's day: clients whose running contract was signed
    # within it, calls made within it; ``None``: all of them.
    within: Duration | None = None

    def since(self, on: date) -> date | None:
        """The first day of the population's period, for a build on ``on``."""
        if self.within is None:
            return None
        return subtract_period(on, self.within)

    @property
    def output(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.is_output)

    @property
    def quasi_identifiers(self) -> tuple[Column, ...]:
        """The columns an attacker may know from elsewhere: every kept or generalised one that is
        not declared sensitive (a keyed pseudonym is known to no one outside the build)."""
        sensitive = self.privacy.sensitive if isinstance(self.privacy, KAnonymity) else ()
        return tuple(
            c
            for c in self.columns
            if c.transform in (Transform.KEEP, Transform.GENERALISE) and c.name not in sensitive
        )

    @property
    def sensitive(self) -> tuple[Column, ...]:
        names = self.privacy.sensitive if isinstance(self.privacy, KAnonymity) else ()
        return tuple(c for c in self.columns if c.name in names)


# -- the keyed pseudonym ---------------------------------------------------------------------


def pseudonym(key: bytes, value: str) -> str:
    """A keyed hash (HMAC-SHA256, 128 bits shown): the same person has the same pseudonym within
    a build, and no one without the build's key — destroyed with it — can compute it or join it
    with another dataset's (WP29 05/2014, 4.2: keyed hash with a deleted key)."""
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


# -- places (INSEE: départements and regions) -------------------------------------------------

_REGIONS = {
    "Auvergne-Rhône-Alpes": "01 03 07 15 26 38 42 43 63 69 73 74",
    "Bourgogne-Franche-Comté": "21 25 39 58 70 71 89 90",
    "Bretagne": "22 29 35 56",
    "Centre-Val de Loire": "18 28 36 37 41 45",
    "Corse": "2A 2B",
    "Grand Est": "08 10 51 52 54 55 57 67 68 88",
    "Hauts-de-France": "02 59 60 62 80",
    "Île-de-France": "75 77 78 91 92 93 94 95",
    "Normandie": "14 27 50 61 76",
    "Nouvelle-Aquitaine": "16 17 19 23 24 33 40 47 64 79 86 87",
    "Occitanie": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "Pays de la Loire": "44 49 53 72 85",
    "Provence-Alpes-Côte d'Azur": "04 05 06 13 83 84",
    "Guadeloupe": "971",
    "Martinique": "972",
    "Guyane": "973",
    "La Réunion": "974",
    "Mayotte": "976",
}
REGION_OF = {d: region for region, codes in _REGIONS.items() for d in codes.split()}
DEPARTEMENTS = tuple(REGION_OF)
REGIONS = tuple(_REGIONS)
_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")


def departement_of(address: str) -> str:
    """The département of an address's postcode (its last five-digit group): the first two
    digits, three overseas, Corsica's 200xx-201xx as 2A and 202xx-206xx as 2B (La Poste).
    Monaco, Saint-Pierre-et-Miquelon and the Pacific are no département: UNKNOWN."""
    found = _POSTCODE.findall(address)
    if not found:
        return UNKNOWN
    code = found[-1]
    if code.startswith("97"):
        dep = code[:3]
    elif code.startswith("20"):
        dep = "2A" if code < "20200" else "2B"
    else:
        dep = code[:2]
    return dep if dep in REGION_OF else UNKNOWN


def region_of(departement: str) -> str:
    return REGION_OF.get(departement, UNKNOWN)


# -- dates and bands --------------------------------------------------------------------------


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _whole_years(since: date, on: date) -> int:
    years = on.year - since.year
    return years - 1 if (on.month, on.day) < (since.month, since.day) else years


def band(years: int, width: int, top: int) -> str:
    if years >= top:
        return f"{top}+"
    low = years // width * width
    high = min(low + width, top) - 1
    return str(low) if high == low else f"{low}-{high}"


def rebanded(value: str, width: int, top: int) -> str:
    if value.endswith("+"):
        return value
    return band(int(value.split("-")[0]), width, top)


def period_of(day: date, level: str) -> str:
    if level == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if level == "month":
        return f"{day.year}-{day.month:02d}"
    if level == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def _period_up(value: str, level: str) -> str:
    year = value[:4]
    if level == "year":
        return year
    if level == "quarter" and "-Q" not in value:  # from a month
        return f"{year}-Q{(int(value[5:7]) - 1) // 3 + 1}"
    return value


def band_domain(width: int, top: int) -> tuple[str, ...]:
    """Every band of ``width`` below ``top``, then ``top+``: a public domain (differential privacy
    releases a count for each cell, empty or not, so that which cells exist reveals nobody)."""
    return (*(band(low, width, top) for low in range(0, top, width)), f"{top}+")


def periods_between(first: date, last: date, level: str) -> tuple[str, ...]:
    out: list[str] = []
    day = first
    while day <= last:
        value = period_of(day, level)
        if not out or out[-1] != value:
            out.append(value)
        day = date.fromordinal(day.toordinal() + 1)
    return tuple(out)


def subtract_period(day: date, period: Duration) -> date:
    """``day`` less a policy period: the day a period ending on ``day`` starts from (exclusive)."""
    return add_period(day, Duration(-period.years, -period.months, -period.days))


def expires_on(built_on: date, keep: Duration) -> date:
    """The first day a build is gone: its retention counts from the day it was built."""
    return add_period(built_on, keep)
