#!/usr/bin/env python3
"""The access gate's decision time, in two source trees, alternately: did a change slow it down?

    git worktree add /tmp/before <commit>
    .venv/bin/python bench/gate_compare.py /tmp/before/src src [--pairs 2] [--rounds 7]

Each tree's ``AccessGate.decide`` answers the same questions (role × purpose × subject category ×
archived × restricted × in an alarm session × field of the shipped policy), best of ``--rounds``
passes, in a fresh interpreter per measure; the trees take turns ``--pairs`` times so that the
machine's drift touches both. A tree whose gate takes ``trained`` is given a current training (the
check every account's read makes). One JSON line per measure, then the ratio of the means.
``--tiny``: a sample, one pair, one round (CI: the script still runs).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

MEASURE = r"""
import inspect, json, sys, time
from datetime import date
from charte.adapters.policy_file import YamlPolicyLoader
from charte.config import shipped_policy_path
from charte.domain.access import AccessGate, ReadContext, Standing
policy = YamlPolicyLoader(shipped_policy_path()).load().policy
gate = AccessGate(policy)
kw = {}
if "trained" in inspect.signature(gate.decide).parameters:
    from charte.domain.accountability import Trained
    kw = {"trained": Trained(date(2026, 12, 6), date(2026, 12, 6))}
ctx = {True: ReadContext("alarm_session", "1", frozenset({"X"})), False: None}
views = [(r, p, c, a, x, i) for r in policy.roles for p in policy.purposes for c in policy.subject_categories
         for a in (False, True) for x in (False, True) for i in (False, True)]
step, rounds = int(sys.argv[1]), int(sys.argv[2])
questions = [(*v, f) for v in views[::step] for f in policy.subject_categories[v[2]].fields]
best = float("inf")
for _ in range(rounds):
    t = time.perf_counter()
    for r, p, c, a, x, i, f in questions:
        _ = f in gate.decide(r, p, [Standing(c, "X", a)], restricted=x, context=ctx[i], **kw).fields
    best = min(best, time.perf_counter() - t)
print(json.dumps({"questions": len(questions), "trained": bool(kw), "us_per_decision": best / len(questions) * 1e6}))
"""


def measure(src: str, step: int, rounds: int) -> dict[str, float]:
    env = os.environ | {"PYTHONPATH": src}
    done = subprocess.run([sys.executable, "-c", MEASURE, str(step), str(rounds)], env=env, capture_output=True,
                          text=True, check=True)  # fmt: skip
    found: dict[str, float] = json.loads(done.stdout)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("before", help="The source tree before the change (its `src` folder).")
    parser.add_argument("after", help="The source tree after (its `src` folder).")
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--tiny", action="store_true")
    args = parser.parse_args()
    step, pairs, rounds = (97, 1, 1) if args.tiny else (1, args.pairs, args.rounds)
    times: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(pairs):
        for name, src in (("before", args.before), ("after", args.after)):
            found = measure(src, step, rounds)
            times[name].append(found["us_per_decision"])
            print(json.dumps({"tree": name, **found}), flush=True)
    ratio = statistics.mean(times["after"]) / statistics.mean(times["before"])
    print(json.dumps({"after_over_before": round(ratio, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
