"""The policy's ``datasets`` section (docs/datasets.md) read into ``domain.datasets``.

Structure only: each column's transformation and levels, the privacy model's numbers. What a
dataset may not take (a direct identifier kept, a trusted person's data, free text...) is
``domain.dataset_checks``'s, judged against the rest of the policy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from charte.adapters.policy_reader import Reader, kind_of
from charte.domain.datasets import (
    PERIOD_LEVELS,
    Column,
    DatasetSpec,
    DifferentialPrivacy,
    Generaliser,
    KAnonymity,
    Population,
    PrivacyModel,
    Transform,
)
from charte.domain.problems import KeyPath

_PLACE_LEVELS = ("departement", "region")


def _bands(r: Reader, raw: list[Any], path: KeyPath) -> tuple[str, ...]:
    widths: list[int] = []
    for i, width in enumerate(raw):
        if isinstance(width, bool) or not isinstance(width, int) or width < 1:
            r.problems.add(
                (*path, i), "wrong type", found=repr(width), expected="a band width in years, e.g. 5"
            )
            return ()
        if widths and width % widths[-1]:
            r.problems.add(
                (*path, i),
                f"a band of {width} years does not hold whole bands of {widths[-1]}",
                found=str(width),
                expected=f"a multiple of {widths[-1]}, e.g. {2 * widths[-1]}",
            )
        widths.append(width)
    return tuple(str(w) for w in widths)


def _named_levels(r: Reader, raw: list[Any], path: KeyPath, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """Levels named from a fixed ladder, in its order, each once."""
    out: list[str] = []
    for i, level in enumerate(raw):
        if level not in allowed:
            r.problems.add(
                (*path, i), "unknown level", found=repr(level), expected="one of " + ", ".join(allowed)
            )
            return ()
        if out and allowed.index(level) <= allowed.index(out[-1]):
            r.problems.add(
                (*path, i),
                f"'{level}' is not coarser than '{out[-1]}'",
                expected="levels from the finest to the coarsest: " + ", ".join(allowed),
            )
        out.append(level)
    if "week" in out and len(out) > 1:
        # A week straddles months, quarters and years: no coarser level holds whole weeks.
        r.problems.add(
            path, "weeks do not nest in months, quarters or years", expected="[week] alone, or months up"
        )
    return tuple(out)


def _levels(r: Reader, g: Generaliser, d: Mapping[str, Any], path: KeyPath) -> tuple[str, ...]:
    if g is Generaliser.FAMILY:
        if "levels" in d:
            r.problems.add((*path, "levels"), "a family has one level", expected="no levels key")
        return ("family",)
    raw = d.get("levels")
    if not isinstance(raw, list) or not raw:
        r.problems.add(
            (*path, "levels"),
            "missing key 'levels'" if raw is None else "wrong type",
            found=kind_of(raw),
            expected="the levels it may climb, finest first, e.g. [5, 10, 20] or [month, quarter, year]",
            code="missing_key" if raw is None else "invalid",
        )
        return ()
    if g in (Generaliser.AGE, Generaliser.YEARS_SINCE):
        return _bands(r, raw, (*path, "levels"))
    if g is Generaliser.PLACE:
        return _named_levels(r, raw, (*path, "levels"), _PLACE_LEVELS)
    return _named_levels(r, raw, (*path, "levels"), PERIOD_LEVELS)


def _column(r: Reader, name: str, value: Any, path: KeyPath) -> Column:
    d = r.section(
        value,
        path,
        required=set(),
        optional=frozenset({"source", "transform", "generalise", "levels", "top", "families"}),
    )
    if not d:
        return Column(name, "", Transform.DROP)
    if ("transform" in d) == ("generalise" in d):
        r.problems.add(
            path,
            "a column says what becomes of it: either `transform` or `generalise`",
            expected="transform: drop|keep|pseudonym|count, or generalise: "
            + ", ".join(g.value for g in Generaliser),
        )
        return Column(name, str(d.get("source", "")), Transform.DROP)
    if "generalise" in d:
        g = r.choice(d, "generalise", path, Generaliser)
        families: dict[str, str] = {}
        if g is Generaliser.FAMILY:
            raw = d.get("families")
            if not isinstance(raw, dict) or not raw or not all(isinstance(v, str) for v in raw.values()):
                r.problems.add(
                    (*path, "families"),
                    "missing key 'families'" if raw is None else "wrong type",
                    found=kind_of(raw),
                    expected="a mapping of value: its family",
                )
            else:
                families = {str(k): v for k, v in raw.items()}
        elif "families" in d:
            r.problems.add(
                (*path, "families"), "only a family generalisation maps values", expected="no families key"
            )
        return Column(
            name,
            r.text(d, "source", path) if "source" in d else _missing(r, path),
            Transform.GENERALISE,
            g,
            _levels(r, g, d, path),
            r.positive(d, "top", path, 90 if g is Generaliser.AGE else 30),
            families,
        )
    transform = r.choice(d, "transform", path, Transform)
    if transform is Transform.GENERALISE:
        r.problems.add(
            (*path, "transform"), "say how: `generalise: <how>`", expected="generalise: age_band, place..."
        )
    for key in ("levels", "top", "families"):
        if key in d:
            r.problems.add((*path, key), f"'{key}' belongs to a generalisation", expected="generalise: ...")
    if transform is Transform.COUNT:
        if "source" in d:
            r.problems.add(
                (*path, "source"), "a count counts persons: it has no source", expected="no source key"
            )
        return Column(name, "", transform)
    return Column(name, r.text(d, "source", path) if "source" in d else _missing(r, path), transform)


def _missing(r: Reader, path: KeyPath) -> str:
    r.problems.add(
        (*path, "source"), "missing key 'source'", expected="a field of the policy", code="missing_key"
    )
    return ""


def _privacy(r: Reader, value: Any, path: KeyPath) -> KAnonymity | DifferentialPrivacy:
    d = r.section(
        value,
        path,
        required={"model"},
        optional=frozenset({"k", "l", "sensitive", "max_suppression", "epsilon", "budget"}),
    )
    model = r.choice(d, "model", path, PrivacyModel)
    if model is PrivacyModel.DIFFERENTIAL_PRIVACY:
        for key in ("k", "l", "sensitive", "max_suppression"):
            if key in d:
                r.problems.add((*path, key), f"'{key}' belongs to k-anonymity", expected="epsilon, budget")
        epsilon, budget = _positive_real(r, d, "epsilon", path), _positive_real(r, d, "budget", path)
        if budget < epsilon:
            r.problems.add(
                (*path, "budget"),
                "the budget is smaller than one build's epsilon: no build could run",
                found=str(budget),
                expected=f"at least {epsilon}",
            )
        return DifferentialPrivacy(epsilon, budget)
    for key in ("epsilon", "budget"):
        if key in d:
            r.problems.add(
                (*path, key), f"'{key}' belongs to differential privacy", expected="k, l, sensitive"
            )
    k = d.get("k")
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        r.problems.add(
            (*path, "k"),
            "missing key 'k'" if k is None else "wrong type",
            found=repr(k),
            expected="a whole number of at least 2",
        )
        k = 2
    l_ = r.positive(d, "l", path, 1)
    if l_ > k:
        r.problems.add(
            (*path, "l"),
            f"l-diversity of {l_} needs groups of at least {l_} rows",
            expected=f"at most k ({k})",
        )
    share = d.get("max_suppression", 0.05)
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share < 1:
        r.problems.add(
            (*path, "max_suppression"),
            "wrong type",
            found=repr(share),
            expected="a share from 0 up to (not) 1, e.g. 0.05",
        )
        share = 0.05
    sensitive = r.ids(d, "sensitive", path) if "sensitive" in d else ()
    if l_ > 1 and not sensitive:
        r.problems.add(
            (*path, "sensitive"), "l-diversity is about sensitive columns: name them", code="missing_key"
        )
    return KAnonymity(k, l_, sensitive, float(share))


def _positive_real(r: Reader, d: Mapping[str, Any], key: str, path: KeyPath) -> float:
    value = d.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        r.problems.add(
            (*path, key),
            f"missing key '{key}'" if value is None else "wrong type",
            found=repr(value),
            expected="a number above 0, e.g. 1.0",
        )
        return 1.0
    return float(value)


def _dataset(r: Reader, id_: str, value: Any, path: KeyPath) -> DatasetSpec:
    d = r.section(
        value,
        path,
        required={"label", "purpose", "population", "columns", "privacy", "recipients", "retention"},
        optional=frozenset({"include_restricted", "within"}),
    )
    raw = d.get("columns", {})
    if not isinstance(raw, dict) or not raw:
        r.problems.add(
            (*path, "columns"), "wrong type", found=kind_of(raw), expected="a mapping of name: column"
        )
        raw = {}
    label = r.localized(d.get("label", {}), (*path, "label"))
    return DatasetSpec(
        id=id_,
        label={str(lang): label(lang) for lang in r.languages},
        purpose=r.text(d, "purpose", path),
        population=r.choice(d, "population", path, Population),
        columns=tuple(
            _column(r, str(name), body, (*path, "columns", str(name))) for name, body in raw.items()
        ),
        privacy=_privacy(r, d.get("privacy", {}), (*path, "privacy")),
        recipients=r.ids(d, "recipients", path),
        retention=r.text(d, "retention", path),
        include_restricted=r.flag(d, "include_restricted", path),
        within=r.duration(d, "within", path) if "within" in d else None,
    )


def read_datasets(r: Reader, value: Any, path: KeyPath) -> dict[str, DatasetSpec]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        r.problems.add(
            path, "wrong type", found=kind_of(value), expected="a mapping of dataset id: declaration"
        )
        return {}
    return {str(k): _dataset(r, str(k), v, (*path, str(k))) for k, v in value.items()}
