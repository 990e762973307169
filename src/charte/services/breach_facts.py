"""A breach's facts as the DPO's team writes them: each key known, each value of its kind, a text
per language where the letters need one; a bad one is refused naming its key."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from charte.domain.policy import Policy
from charte.services.errors import Refused
from charte.services.read_model import JsonRecord

FACT_KEYS = (
    "cause",
    "description",
    "systems",
    "actors",
    "recipients",
    "exports",
    "data_categories",
    "subject_categories",
    "persons_estimate",
    "records_estimate",
    "consequences",
    "measures_taken",
    "measures_proposed",
)


def text(value: Any, key: str, limit: int = 4000) -> str:
    """A text the team typed: not empty, not too long, and no control character but line breaks
    and tabs (PostgreSQL refuses NUL in text; the others garble letters and pages)."""
    if not isinstance(value, str) or not value.strip():
        raise Refused(f"{key}: a non-empty text is required")
    if len(value) > limit:
        raise Refused(f"{key}: at most {limit} characters")
    if any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in value):
        raise Refused(f"{key}: a control character is not allowed")
    return value.strip()


def optional(value: str | None, key: str, limit: int) -> str | None:
    """An optional text: None or blank is None, else ``text``."""
    return None if value is None or not value.strip() else text(value, key, limit)


def clean_facts(facts: Mapping[str, Any], policy: Policy) -> JsonRecord:
    """The breach's facts, each key known and each value of its kind (the message names the key)."""
    out: JsonRecord = {}
    for key, value in facts.items():
        if key not in FACT_KEYS:
            raise Refused(f"facts.{key}: unknown; the facts are {', '.join(FACT_KEYS)}")
        if value is None:
            continue
        if key in ("persons_estimate", "records_estimate"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise Refused(f"facts.{key}: a whole number, 0 or more")
            out[key] = value
        elif key in ("systems", "actors", "recipients", "exports", "data_categories", "subject_categories"):
            if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
                raise Refused(f"facts.{key}: a list of names")
            known = {
                "systems": policy.systems,
                "data_categories": policy.data_categories,
                "subject_categories": policy.subject_categories,
                "recipients": policy.roles,
            }.get(key)
            unknown = [x for x in value if known is not None and x not in known]
            if unknown:
                raise Refused(f"facts.{key}: unknown {', '.join(unknown)} (not in the policy's {key})")
            out[key] = sorted(set(value))
        elif isinstance(value, Mapping):  # one text per language, for the letters in each
            unknown = [k for k in value if k not in {lang.value for lang in policy.languages}]
            if unknown or not value:
                raise Refused(f"facts.{key}: a text, or one per language of the policy ({unknown or 'none'})")
            out[key] = {k: text(v, f"facts.{key}.{k}") for k, v in value.items()}
        else:
            out[key] = text(value, f"facts.{key}")
    return out
