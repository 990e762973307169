#!/usr/bin/env python3
"""Access decisions per second: charte's compiled gate next to Cedar deciding the same requests.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/decision_speed.py [--rounds 3]

The Cedar policy is generated from the shipped policy: one `permit` per role, purpose and subject
category listing the granted fields, and `forbid`s for archived data, restricted persons, the
exclusive uses (with the context they need, e.g. an open alarm session), the fields bound to a
context (a site's access instructions) and the staff's training (lapsed: nothing but the exempt
purposes) — the same rules the gate applies. Cedar gets its best case: the policy set and the
entities are parsed once (``cedarpy.PolicySet.from_str``, ``cedarpy.Entities.from_json_str``).

A request is (role, purpose, subject category, archived, restricted, in context, trained, field):
may this role see this field? Both engines answer every request of the matrix; the answers are
compared (they must agree) before anything is timed. Two measures, each printed as one JSON line:

- `field` (the headline): one yes/no question per call — charte ``decide`` then a membership
  test; Cedar ``is_authorized``;
- `view`: the visible fields of one standing — charte one ``decide``; Cedar one
  ``is_authorized_batch`` over the category's fields (what it needs to answer the same question).
  A view is N fields, so Cedar's side is N times its per-request marshalling: this ratio grows with
  the category's fields, not with the rules.

``--tiny`` answers and times a sample of the matrix once (CI: the script still runs).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from datetime import date
from typing import Any

import cedarpy

from charte.adapters.policy_file import YamlPolicyLoader
from charte.config import shipped_policy_path
from charte.domain.access import AccessGate, ReadContext, Standing
from charte.domain.accountability import Trained
from charte.domain.policy import Policy
from charte.domain.vocabulary import RoleKind

TODAY = date(2026, 12, 6)
TRAINED = {True: Trained(TODAY, TODAY), False: Trained(None, TODAY)}


def cedar_text(p: Policy) -> str:
    rules = []
    for role in p.roles.values():
        for grant in role.grants:
            categories = grant.subjects if grant.subjects is not None else tuple(p.subject_categories)
            for purpose, category in itertools.product(grant.purposes, categories):
                own = p.subject_categories[category].fields
                fields = own if grant.fields is None else [f for f in grant.fields if f in own]
                if not fields:
                    continue
                listed = ", ".join(f'Field::"{f}"' for f in fields)
                rules.append(
                    f'permit(principal == Role::"{role.id}", action == Action::"read", resource) when '
                    f'{{ context.purpose == "{purpose}" && context.category == "{category}" && '
                    f"[{listed}].contains(resource) }};"
                )
    archive = ", ".join(f'Role::"{r.id}"' for r in p.roles.values() if r.archive_access)
    rules.append(
        f"forbid(principal, action, resource) when {{ context.archived && !([{archive}].contains(principal)) }};"
    )
    allowed = ", ".join(f'"{e.purpose}"' for e in p.access.restriction_exceptions)
    rules.append(
        f"forbid(principal, action, resource) when {{ context.restricted && !([{allowed}].contains(context.purpose)) }};"
    )
    for category, uses in p.access.exclusive.items():
        pairs = " || ".join(
            f'(principal == Role::"{u.role}" && context.purpose == "{u.purpose}")' for u in uses
        )
        rules.append(
            f'forbid(principal, action, resource) when {{ context.category == "{category}" && !({pairs}) }};'
        )
        for u in uses:  # an exclusive use that asks for a context: nothing outside it
            if u.context is not None:
                rules.append(
                    f'forbid(principal == Role::"{u.role}", action, resource) when {{ context.purpose == '
                    f'"{u.purpose}" && context.category == "{category}" && !context.in_context }};'
                )
    for b in p.access.context_bound_fields:
        listed = ", ".join(f'Field::"{f}"' for f in b.fields)
        rules.append(
            f'forbid(principal == Role::"{b.role}", action, resource) when {{ context.purpose == "{b.purpose}" '
            f"&& !context.in_context && [{listed}].contains(resource) }};"
        )
    if p.training is not None:
        staff = ", ".join(f'Role::"{r.id}"' for r in p.roles.values() if r.kind is RoleKind.STAFF)
        exempt = ", ".join(f'"{x}"' for x in p.training.exempt)
        rules.append(
            f"forbid(principal, action, resource) when {{ !context.trained && [{staff}].contains(principal) "
            f"&& !([{exempt}].contains(context.purpose)) }};"
        )
    return "\n".join(rules)


def request(
    role: str,
    purpose: str,
    category: str,
    archived: bool,
    restricted: bool,
    in_context: bool,
    trained: bool,
    field: str,
) -> dict[str, Any]:
    return {
        "principal": f'Role::"{role}"',
        "action": 'Action::"read"',
        "resource": f'Field::"{field}"',
        "context": {
            "purpose": purpose,
            "category": category,
            "archived": archived,
            "restricted": restricted,
            "in_context": in_context,
            "trained": trained,
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="Timed passes over the matrix (best is kept).")
    parser.add_argument("--tiny", action="store_true", help="A sample of the matrix, once (CI).")
    args = parser.parse_args()
    policy = YamlPolicyLoader(shipped_policy_path()).load().policy
    gate = AccessGate(policy)
    policies = cedarpy.PolicySet.from_str(cedar_text(policy))
    entities = cedarpy.Entities.from_json_str("[]")
    # Every standing a person may hold, for every role and purpose of the policy.
    views = [
        (role, purpose, category, archived, restricted, in_context, trained)
        for role in policy.roles
        for purpose in policy.purposes
        for category in policy.subject_categories
        for archived in (False, True)
        for restricted in (False, True)
        for in_context in (False, True)
        for trained in (True, False)
    ]
    if args.tiny:
        views, args.rounds = views[::97], 1
    fields_of = {c: policy.subject_categories[c].fields for c in policy.subject_categories}
    questions = [(*v, f) for v in views for f in fields_of[v[2]]]
    # The one kind of context the policy's rules ask for (an open alarm session), about the standing.
    kinds = {u.context for uses in policy.access.exclusive.values() for u in uses if u.context}
    kinds |= {b.context for b in policy.access.context_bound_fields}
    if len(kinds) > 1:
        print(json.dumps({"error": f"the bench models one kind of context, the policy has {sorted(kinds)}"}))
        return 1
    inside = {True: ReadContext(next(iter(kinds)), "1", frozenset({"X"})) if kinds else None, False: None}

    def ours_decide(v: tuple[Any, ...]) -> Any:
        role, purpose, category, archived, restricted, in_context, trained = v
        return gate.decide(
            role,
            purpose,
            [Standing(category, "X", archived)],
            restricted=restricted,
            context=inside[in_context],
            trained=TRAINED[trained],
        )

    # 1. The same answers, or the comparison means nothing.
    disagreements = 0
    for *v, field in questions:
        ours = field in ours_decide(tuple(v)).fields
        theirs = (
            cedarpy.is_authorized(request(*v, field), policies, entities).decision == cedarpy.Decision.Allow
        )
        disagreements += ours != theirs
    if disagreements:
        print(json.dumps({"error": f"{disagreements} of {len(questions)} answers differ"}))
        return 1

    def best(run: Any) -> float:
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        return min(times)

    def charte_fields() -> None:
        for *v, field in questions:
            _ = field in ours_decide(tuple(v)).fields

    def cedar_fields() -> None:
        for q in questions:
            cedarpy.is_authorized(request(*q), policies, entities)

    def charte_views() -> None:
        for v in views:
            ours_decide(v)

    def cedar_views() -> None:
        for v in views:
            cedarpy.is_authorized_batch([request(*v, f) for f in fields_of[v[2]]], policies, entities)

    for name, count, ours, theirs in (
        ("field", len(questions), charte_fields, cedar_fields),
        ("view", len(views), charte_views, cedar_views),
    ):
        c, k = best(ours), best(theirs)
        print(
            json.dumps(
                {
                    "measure": name,
                    "decisions": count,
                    "charte_us_per_decision": round(c / count * 1e6, 2),
                    "cedar_us_per_decision": round(k / count * 1e6, 2),
                    "charte_faster_by": round(k / c, 1),
                    "answers_agree": True,
                }
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
