"""Analysis datasets' rules: what a column becomes, how it coarsens, when k and l hold, and what a
declaration may never take (GDPR Art. 5(1)(b)-(c), 25(1), 89(1); WP29 Opinion 05/2014)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charte.domain.dataset_anonymity import AnonymityUnreachable, Groups, key_at, measure, solve
from charte.domain.dataset_checks import check_datasets
from charte.domain.datasets import (
    ALL,
    UNKNOWN,
    Column,
    DatasetSpec,
    DifferentialPrivacy,
    Generaliser,
    KAnonymity,
    LeftOut,
    Population,
    Transform,
    band,
    call_left_out,
    departement_of,
    period_of,
    pseudonym,
    region_of,
)
from charte.domain.policy import Policy

ON = date(2026, 12, 6)
AGE = Column("age", "birth_date", Transform.GENERALISE, Generaliser.AGE, ("5", "10", "20"), top=90)
PLACE = Column("area", "site_address", Transform.GENERALISE, Generaliser.PLACE, ("departement", "region"))
MONTH = Column(
    "started", "contract_start", Transform.GENERALISE, Generaliser.PERIOD, ("month", "quarter", "year")
)
OFFER = Column("offer", "offer", Transform.GENERALISE, Generaliser.FAMILY, ("family",),
               families={"Essentiel": "home", "Pro": "business"})  # fmt: skip


def spec(
    *columns: Column,
    k: int = 2,
    l: int = 1,  # noqa: E741
    sensitive: tuple[str, ...] = (),
    share: float = 0.0,
) -> DatasetSpec:
    return DatasetSpec(
        "d", {"fr": "d", "en": "d"}, "service_improvement", Population.CLIENTS, columns,
        KAnonymity(k, l, sensitive, share), ("recording_analyst",), "analysis_dataset",
    )  # fmt: skip


class TestPlaces:
    @pytest.mark.parametrize(
        ("address", "departement"),
        [
            ("12, rue de la Paix, 75002 Paris", "75"),
            ("3 place Saint-Nicolas, 20000 Ajaccio", "2A"),
            ("Route de Calvi, 20260 Lumio", "2B"),
            ("5 rue Victor Hugo, 97400 Saint-Denis", "974"),
            ("2 avenue des Pins, 06000 Nice", "06"),
            ("1 boulevard Albert Ier, 98000 Monaco", UNKNOWN),
            ("Lieu-dit sans code", UNKNOWN),
            ("Appt 12345, 3 rue Haute, 67000 Strasbourg", "67"),
        ],
    )
    def test_an_address_gives_the_departement_of_its_last_postcode(self, address, departement):
        """La Poste's postcodes: two digits, three overseas, Corsica split at 20200 (2A / 2B)."""
        assert departement_of(address) == departement

    def test_every_departement_belongs_to_one_region(self):
        """INSEE: 101 départements in 18 regions."""
        from charte.domain.datasets import DEPARTEMENTS, REGIONS

        assert (len(DEPARTEMENTS), len(REGIONS)) == (101, 18)
        assert (region_of("2A"), region_of("93")) == ("Corse", "Île-de-France")


class TestLevels:
    def test_ages_are_counted_on_the_build_day_in_bands_and_top_coded(self):
        """WP29 05/2014, 3.2.2: generalisation by bands; the oldest share one band."""
        assert AGE.value("1990-12-07", ON) == "35-39"  # 35 the day after the build
        assert AGE.value("1990-12-06", ON) == "35-39"
        assert AGE.value("1930-01-01", ON) == "90+"
        assert AGE.value("not a date", ON) == UNKNOWN
        assert AGE.value(None, ON) == UNKNOWN
        assert band(7, 1, 10) == "7"

    @given(st.dates(min_value=date(1920, 1, 1), max_value=ON))
    def test_each_level_is_the_coarsening_of_the_level_below(self, born):
        """A climb never needs the raw value: level i+1 is a function of level i (the solver
        rolls counts up without reading the register again)."""
        finest = AGE.value(born, ON)
        for level, width in enumerate(AGE.levels):
            years = (ON.year - born.year) - ((ON.month, ON.day) < (born.month, born.day))
            assert AGE.coarsen(finest, level) == band(years, int(width), 90)
        assert AGE.coarsen(finest, 3) == ALL
        month = MONTH.value(born, ON)
        assert MONTH.coarsen(month, 1) == period_of(born, "quarter")
        assert MONTH.coarsen(month, 2) == str(born.year)

    def test_a_place_climbs_from_its_departement_to_its_region_then_to_all(self):
        finest = PLACE.value("8 quai Kléber, 67000 Strasbourg", ON)
        assert [PLACE.coarsen(finest, i) for i in range(3)] == ["67", "Grand Est", ALL]

    def test_a_family_maps_values_and_names_the_rest_other(self):
        assert [OFFER.value(v, ON) for v in ("Pro", "Essentiel", "Gold")] == ["business", "home", "other"]


def test_a_pseudonym_is_stable_under_one_key_and_unrelated_under_another():
    """WP29 05/2014, 4.2: a keyed hash; two builds' keys give pseudonyms no one can join."""
    assert pseudonym(b"k" * 32, "P1") == pseudonym(b"k" * 32, "P1")
    assert pseudonym(b"k" * 32, "P1") != pseudonym(b"j" * 32, "P1")
    assert len(pseudonym(b"k" * 32, "P1")) == 32


class TestSolve:
    def groups(self, rows: list[tuple[tuple[str, ...], tuple[str, ...]]], width: int = 0) -> Groups:
        g = Groups(width=width)
        for key, sensitive in rows:
            g.add(key, sensitive)
        return g

    def test_the_finest_levels_are_kept_when_every_group_has_k_rows(self):
        """Sweeney (2002): k rows share each combination of quasi-identifiers."""
        s = spec(AGE, k=2)
        found = solve(s, s.privacy, self.groups([(("30-34",), ())] * 2 + [(("35-39",), ())] * 3))  # type: ignore[arg-type]
        assert (found.levels, found.k, found.suppressed_rows) == ((0,), 2, 0)

    def test_a_level_is_climbed_until_small_groups_merge(self):
        s = spec(AGE, k=3)
        found = solve(s, s.privacy, self.groups([(("30-34",), ())] * 2 + [(("35-39",), ())] * 2))  # type: ignore[arg-type]
        assert (found.levels, found.k) == ((1,), 4)

    def test_rows_within_the_allowed_share_are_left_out_rather_than_generalise(self):
        """The declaration's max_suppression: an outlier is suppressed, the rest keep their detail."""
        s = spec(AGE, k=3, share=0.1)
        rows = [(("30-34",), ())] * 10 + [(("80-84",), ())]
        found = solve(s, s.privacy, self.groups(rows))  # type: ignore[arg-type]
        assert (found.levels, found.suppressed_rows, found.suppressed) == ((0,), 1, frozenset({("80-84",)}))

    def test_l_diversity_needs_l_distinct_sensitive_values_in_every_group(self):
        """Machanavajjhala et al. (2007): a group where all share one offer discloses it."""
        s = spec(AGE, OFFER, k=2, l=2, sensitive=("offer",))
        rows = [(("30-34",), ("home",))] * 3 + [(("35-39",), ("home",)), (("35-39",), ("business",))]
        found = solve(s, s.privacy, self.groups(rows, width=1))  # type: ignore[arg-type]
        assert (found.levels, found.l) == ((1,), 2)

    def test_an_unreachable_model_is_refused_with_the_best_it_could_do(self):
        """Nothing is written when even the coarsest declared levels leave out too many rows."""
        s = spec(AGE, k=5)
        with pytest.raises(AnonymityUnreachable, match="k=5 cannot be reached") as caught:
            solve(s, s.privacy, self.groups([(("30-34",), ())] * 4))  # type: ignore[arg-type]
        assert caught.value.best.suppressed_rows == 4

    @given(
        st.lists(
            st.tuples(st.sampled_from(["Essentiel", "Pro", "Gold"]), st.integers(18, 95)),
            min_size=1,
            max_size=60,
        ),
        st.integers(2, 6),
    )
    def test_the_levels_chosen_hold_the_model_and_none_can_be_given_back(self, people, k):
        """Within max_suppression, and no column one level finer would still be: the solver
        generalises no more than the model needs (a greedy climb's excess is given back)."""
        s = spec(OFFER, AGE, k=k, share=0.1)
        model = s.privacy
        assert isinstance(model, KAnonymity)
        rows = [((OFFER.value(o, ON), AGE.value(ON - timedelta(days=366 * a), ON)), ()) for o, a in people]
        try:
            found = solve(s, model, self.groups(rows))
        except AnonymityUnreachable as e:
            unreachable = e.best.suppression_rate
        else:
            unreachable = None
        if unreachable is not None:
            assert unreachable > 0.1
            return
        assert found.suppression_rate <= 0.1
        published = [key_at(s.quasi_identifiers, key, found.levels) for key, _ in rows]
        kept = [key for key in published if key not in found.suppressed]
        assert measure((key, ()) for key in kept)[0] >= k or not kept
        for i in range(2):
            if found.levels[i]:
                finer = tuple(lv - (i == j) for j, lv in enumerate(found.levels))
                counts = Counter(key_at(s.quasi_identifiers, key, finer) for key, _ in rows)
                assert sum(n for n in counts.values() if n < k) / len(rows) > 0.1

    def test_measure_reads_k_and_l_back_from_published_rows(self):
        assert measure([(("a",), ("x",)), (("a",), ("y",)), (("b",), ("x",))]) == (1, 1)


def codes(policy: Policy, dataset: DatasetSpec) -> list[tuple[str, str]]:
    from charte.domain.problems import format_path

    found = check_datasets(replace(policy, datasets={"d": dataset}))
    return [(p.code, format_path(p.path)) for p in found]


class TestChecks:
    def test_the_shipped_datasets_pass(self, shipped):
        assert list(check_datasets(shipped)) == []

    def test_a_purpose_that_is_not_analysis_is_refused(self, shipped):
        """The charter: data analysed « exclusivement » to improve the services (Art. 5(1)(b))."""
        d = replace(spec(AGE), purpose="contract_management", recipients=("customer_service",))
        assert ("not_analysis", "datasets.d.purpose") in codes(shipped, d)

    @pytest.mark.parametrize(
        ("column", "code"),
        [
            (Column("n", "last_name", Transform.KEEP), "direct_identifier_kept"),
            (Column("p", "person", Transform.KEEP), "direct_identifier_kept"),
            (
                Column("e", "email", Transform.GENERALISE, Generaliser.FAMILY, ("family",)),
                "direct_identifier_kept",
            ),
            (Column("i", "iban", Transform.PSEUDONYM), "dataset_secret"),
            (Column("a", "access_instructions", Transform.KEEP), "dataset_secret"),
            (Column("r", "trusted_person_rank", Transform.KEEP), "exclusive_data"),
            (Column("s", "site_needs", Transform.KEEP), "free_text"),
            (Column("x", "shoe_size", Transform.KEEP), "unknown_field"),
        ],
    )
    def test_a_column_that_would_take_what_no_analysis_needs_is_refused(self, shipped, column, code):
        """Art. 5(1)(c), 25(1), 32: no direct identifier kept, no secret, no trusted person's
        data (access.exclusive), no free text."""
        found = codes(shipped, spec(AGE, column))
        assert code in [c for c, _ in found], found
        assert any(path.startswith(f"datasets.d.columns.{column.name}") for _, path in found)

    def test_an_address_may_leave_as_its_departement_and_a_person_as_a_pseudonym(self, shipped):
        ok = spec(PLACE, Column("c", "person", Transform.PSEUDONYM), Column("n", "last_name", Transform.DROP))
        assert codes(shipped, ok) == []

    def test_recipients_are_staff_who_may_act_under_the_purpose(self, shipped):
        found = codes(shipped, replace(spec(AGE), recipients=("customer_service", "prescriber")))
        assert [c for c, _ in found] == ["recipient_without_purpose", "dataset_outside"]

    def test_restricted_persons_are_included_only_under_a_restriction_exception(self, shipped):
        """Art. 18(2): service improvement is no exception of the policy."""
        assert ("restricted_included", "datasets.d.include_restricted") in codes(
            shipped, replace(spec(AGE), include_restricted=True)
        )

    def test_differential_privacy_releases_counts_over_public_cells_only(self, shipped):
        count = Column("n", "", Transform.COUNT)
        ok = replace(spec(PLACE, OFFER, count), privacy=DifferentialPrivacy(1.0, 3.0))
        assert codes(shipped, ok) == []
        dated = replace(spec(MONTH, count), privacy=DifferentialPrivacy(1.0, 3.0))
        assert ("no_public_domain", "datasets.d.columns.started") in codes(shipped, dated)
        assert ("count_without_dp", "datasets.d.columns.n") in codes(shipped, spec(AGE, count))


def test_a_build_expires_by_its_retention_rule_counted_from_the_build_day(shipped):
    from charte.domain.datasets import expires_on

    assert expires_on(ON, shipped.retention["analysis_dataset"].period) == date(2027, 6, 6)
    assert expires_on(ON, shipped.retention["analysis_dataset"].period) - ON > timedelta(days=180)


class TestCalls:
    def calls(self, *columns: Column, purpose: str = "ai_experiments") -> DatasetSpec:
        return replace(spec(*columns), population=Population.CALLS, purpose=purpose)

    def test_the_shipped_transcripts_dataset_redacts_the_text_and_keys_the_call(self, shipped):
        d = shipped.datasets["call_transcripts"]
        assert [(c.name, c.transform) for c in d.output] == [
            ("call", Transform.PSEUDONYM), ("week", Transform.GENERALISE), ("direction", Transform.KEEP),
            ("text", Transform.REDACT)]  # fmt: skip
        assert [q.name for q in d.quasi_identifiers] == ["week", "direction"]

    def test_only_a_recording_s_free_text_is_redacted_and_only_its_fields_are_read(self, shipped):
        """The recordings' fields (recordings.fields); redaction is no licence for other free text."""
        text = Column("t", "call_transcript", Transform.REDACT)
        assert codes(shipped, self.calls(MONTH, text)) == [
            ("field_not_held", "datasets.d.columns.started.source")  # a contract's start: no call's
        ]
        assert codes(shipped, self.calls(Column("w", "call_time", Transform.GENERALISE, Generaliser.PERIOD,
                                                ("week",)), text)) == []  # fmt: skip
        needs = Column("n", "site_needs", Transform.REDACT)
        assert ("redact_not_transcript", "datasets.d.columns.n.transform") in codes(shipped, spec(AGE, needs))
        kept = Column("t", "call_transcript", Transform.KEEP)
        assert ("free_text", "datasets.d.columns.t.transform") in codes(shipped, self.calls(kept))

    def test_a_call_dataset_serves_a_purpose_the_calls_are_recorded_for(self, shipped):
        found = codes(shipped, replace(self.calls(Column("d", "direction", Transform.KEEP)),
                                       purpose="service_improvement"))  # fmt: skip
        assert ("purpose_not_for_recordings", "datasets.d.purpose") in found

    @pytest.mark.parametrize(
        ("objected", "restricted", "due", "left"),
        [
            (frozenset({"ai_experiments"}), False, False, LeftOut.OBJECTED),
            (frozenset({"quality_monitoring"}), False, False, LeftOut.OBJECTED),  # a use it stops
            (frozenset({"prospecting"}), False, False, None),  # unrelated to the recordings
            (frozenset(), True, False, LeftOut.RESTRICTED),
            (frozenset(), False, True, LeftOut.DUE),
            (frozenset(), False, False, None),
        ],
    )
    def test_a_call_leaves_unless_its_caller_objected_restricted_or_it_is_due(
        self, objected, restricted, due, left
    ):
        """Art. 21(1) (the purpose, or a use the objection stops: recordings.opposition_stops),
        Art. 18(2), Art. 5(1)(e)."""
        stops = frozenset({"quality_monitoring", "ai_experiments"})
        assert call_left_out(objected, "ai_experiments", stops, restricted=restricted, include_restricted=False,
                             due=due) is left  # fmt: skip
