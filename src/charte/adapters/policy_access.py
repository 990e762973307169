"""The policy's ``access`` section (docs/policy.md, "access"): the gate's rules beyond the roles'
grants — restriction exceptions (GDPR Art. 18(2)), exclusive uses, who manages holds, fields shown
only in a context — read into ``domain.policy.Access``. Structure only; references are checked by
``domain.policy_checks``."""

from __future__ import annotations

from typing import Any

from charte.adapters.policy_reader import Reader, kind_of
from charte.domain import vocabulary as v
from charte.domain.policy import Access, ContextBoundFields, ExclusiveUse, RestrictionException
from charte.domain.problems import KeyPath


def _list(r: Reader, value: Any, path: KeyPath, expected: str) -> list[Any]:
    if not isinstance(value, list):
        r.problems.add(path, "wrong type", found=kind_of(value), expected=expected)
        return []
    return value


def read_access(r: Reader, value: Any, path: KeyPath) -> Access:
    """The optional `access` section; absent, every default denies (see ``Access``)."""
    if value is None:
        return Access()
    d = r.section(
        value,
        path,
        required=set(),
        optional=frozenset(
            {"restriction_exceptions", "exclusive", "holds_managed_by", "context_bound_fields"}
        ),
    )
    epath = (*path, "restriction_exceptions")
    exceptions = []
    for i, item in enumerate(
        _list(r, d.get("restriction_exceptions", []), epath, "a list of {purpose, ground}")
    ):
        e = r.section(item, (*epath, i), required={"purpose", "ground"})
        exceptions.append(
            RestrictionException(
                purpose=r.text(e, "purpose", (*epath, i)),
                ground=r.choice(e, "ground", (*epath, i), v.RestrictedUse),
            )
        )
    xpath = (*path, "exclusive")
    exclusive = {}
    for category, uses in r.entries(d, "exclusive", path) if "exclusive" in d else []:
        cpath = (*xpath, category)
        entries = []
        for i, item in enumerate(_list(r, uses, cpath, "a list of {role, purpose}")):
            e = r.section(item, (*cpath, i), required={"role", "purpose"}, optional=frozenset({"context"}))
            entries.append(
                ExclusiveUse(
                    role=r.text(e, "role", (*cpath, i)),
                    purpose=r.text(e, "purpose", (*cpath, i)),
                    context=r.optional_text(e, "context", (*cpath, i)),
                )
            )
        exclusive[category] = tuple(entries)
    bpath = (*path, "context_bound_fields")
    bound = []
    for i, item in enumerate(
        _list(r, d.get("context_bound_fields", []), bpath, "a list of {role, purpose, context, fields}")
    ):
        e = r.section(item, (*bpath, i), required={"role", "purpose", "context", "fields"})
        bound.append(
            ContextBoundFields(
                role=r.text(e, "role", (*bpath, i)),
                purpose=r.text(e, "purpose", (*bpath, i)),
                context=r.text(e, "context", (*bpath, i)),
                fields=r.ids(e, "fields", (*bpath, i)),
            )
        )
    return Access(
        restriction_exceptions=tuple(exceptions),
        exclusive=exclusive,
        holds_managed_by=r.ids(d, "holds_managed_by", path, allow_empty=True),
        context_bound_fields=tuple(bound),
    )
