"""k-anonymity and l-diversity of a dataset, decided before anything is written.

Every combination of quasi-identifiers must be shared by at least k rows (Sweeney, 2002) and show
at least l distinct values of each sensitive column (Machanavajjhala et al., 2007) — WP29 Opinion
05/2014, 3.2. A build counts its rows by combination at the finest levels (``Groups``, bounded by
the number of combinations, not of rows); ``solve`` then climbs the declared generalisations one
level at a time, the climb that leaves out the fewest rows first, until the rows left out (the
groups still too small) are within the declaration's ``max_suppression``. If no climb gets there,
the build is refused and nothing is written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from charte.domain.datasets import Column, DatasetSpec, KAnonymity

# l-diversity needs only "at least l": a group keeps no more distinct values than this.
_KEEP_DISTINCT = 64


@dataclass(slots=True)
class Groups:
    """Rows counted by quasi-identifier combination, with the sensitive values each shows."""

    width: int  # how many sensitive columns
    counts: Counter[tuple[str, ...]] = field(default_factory=Counter)
    seen: dict[tuple[str, ...], tuple[set[str], ...]] = field(default_factory=dict)

    def add(self, key: tuple[str, ...], sensitive: Sequence[str]) -> None:
        self.counts[key] += 1
        if not self.width:
            return
        sets = self.seen.get(key)
        if sets is None:
            sets = self.seen[key] = tuple(set() for _ in range(self.width))
        for values, value in zip(sets, sensitive, strict=True):
            if len(values) < _KEEP_DISTINCT:
                values.add(value)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class Solution:
    """The levels chosen (one per quasi-identifier, 0 the finest), the groups left out, and what
    the published rows achieve."""

    levels: tuple[int, ...]
    suppressed: frozenset[tuple[str, ...]]  # combinations at the chosen levels
    rows: int
    suppressed_rows: int
    k: int  # the smallest group published (0: nothing published)
    l: int  # noqa: E741 - the fewest distinct sensitive values in a published group (0: none asked)

    @property
    def suppression_rate(self) -> float:
        return self.suppressed_rows / self.rows if self.rows else 0.0

    @property
    def published(self) -> int:
        return self.rows - self.suppressed_rows


class AnonymityUnreachable(ValueError):
    """Even fully generalised as declared, too many rows would be left out."""

    def __init__(self, best: Solution, model: KAnonymity) -> None:
        self.best = best
        super().__init__(
            f"k={model.k}"
            + (f", l={model.l}" if model.l > 1 else "")
            + f" cannot be reached leaving out at most {model.max_suppression:.1%} of the rows: "
            f"the declared generalisations leave out {best.suppression_rate:.1%} of {best.rows} rows "
            "at best; declare coarser levels, fewer quasi-identifiers or a larger population"
        )


def key_at(columns: Sequence[Column], key: tuple[str, ...], levels: Sequence[int]) -> tuple[str, ...]:
    return tuple(c.coarsen(v, lv) for c, v, lv in zip(columns, key, levels, strict=True))


def _evaluate(spec: DatasetSpec, model: KAnonymity, groups: Groups, levels: tuple[int, ...]) -> Solution:
    columns = spec.quasi_identifiers
    counts: Counter[tuple[str, ...]] = Counter()
    distinct: dict[tuple[str, ...], list[set[str]]] = {}
    for key, count in groups.counts.items():
        up = key_at(columns, key, levels)
        counts[up] += count
        if groups.width:
            merged = distinct.setdefault(up, [set() for _ in range(groups.width)])
            for into, values in zip(merged, groups.seen[key], strict=True):
                into |= values
    bad = frozenset(
        key
        for key, count in counts.items()
        if count < model.k or (groups.width and min(len(s) for s in distinct[key]) < model.l)
    )
    kept = [key for key in counts if key not in bad]
    return Solution(
        levels=levels,
        suppressed=bad,
        rows=groups.rows,
        suppressed_rows=sum(counts[key] for key in bad),
        k=min((counts[key] for key in kept), default=0),
        l=min((min(len(s) for s in distinct[key]) for key in kept), default=0) if groups.width else 0,
    )


def solve(spec: DatasetSpec, model: KAnonymity, groups: Groups) -> Solution:
    """The least generalisation (greedy, one level at a time) whose small groups, left out,
    are within ``max_suppression``; ``AnonymityUnreachable`` when even the coarsest is not."""
    columns = spec.quasi_identifiers
    levels = tuple(0 for _ in columns)
    best = _evaluate(spec, model, groups, levels)
    while best.suppression_rate > model.max_suppression:
        climbs = [
            _evaluate(spec, model, groups, tuple(lv + (i == j) for j, lv in enumerate(levels)))
            for i, c in enumerate(columns)
            if levels[i] < c.climbs
        ]
        if not climbs:
            raise AnonymityUnreachable(best, model)
        best = min(climbs, key=lambda s: (s.suppressed_rows, sum(s.levels)))
        levels = best.levels
    # A greedy climb may overshoot (one column climbed early, another's later climb enough on its
    # own): give back each level that is not needed, the first columns first.
    for i in range(len(columns)):
        while best.levels[i] > 0:
            lower = _evaluate(spec, model, groups, tuple(lv - (i == j) for j, lv in enumerate(best.levels)))
            if lower.suppression_rate > model.max_suppression:
                break
            best = lower
    return best


def measure(rows: Iterable[tuple[tuple[str, ...], tuple[str, ...]]]) -> tuple[int, int]:
    """The k and l of published rows ((quasi-identifiers, sensitive values) each): a check of
    the written file, independent of how it was built."""
    counts: Counter[tuple[str, ...]] = Counter()
    distinct: dict[tuple[str, ...], list[set[str]]] = {}
    for key, sensitive in rows:
        counts[key] += 1
        sets = distinct.setdefault(key, [set() for _ in sensitive])
        for into, value in zip(sets, sensitive, strict=True):
            into.add(value)
    k = min(counts.values(), default=0)
    l_ = min((min((len(s) for s in sets), default=0) for sets in distinct.values()), default=0)
    return k, l_
