"""The policy's accountability records (docs/policy.md, "Accountability"): ``processors``, an
activity's ``dpia``, ``balancing_tests`` and ``training`` — read into ``domain.accountability``.

Structure only: types, vocabularies, country codes, what each mechanism needs. Whether a record
is missing or overdue on a date is lint's (``domain.accountability_lint``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from charte.adapters.policy_reader import Reader, kind_of
from charte.domain.accountability import (
    DEROGATIONS,
    SCC_MODULES,
    WARN_BEFORE,
    Agreement,
    BalancingTest,
    CnilListItem,
    Consultation,
    Criterion,
    Dpia,
    DpiaRecord,
    Mechanism,
    Processor,
    Risk,
    Training,
    TransferOut,
)
from charte.domain.problems import KeyPath

_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _countries(r: Reader, data: Mapping[str, Any], key: str, path: KeyPath) -> tuple[str, ...]:
    codes = r.ids(data, key, path)
    for i, code in enumerate(codes):
        if not _COUNTRY.match(code):
            r.problems.add(
                (*path, key, i),
                "not a country code",
                found=repr(code),
                expected="ISO 3166-1 alpha-2, e.g. FR, US",
            )
    return codes


def _agreement(r: Reader, value: Any, path: KeyPath) -> Agreement | None:
    if value is None:
        return None
    d = r.section(
        value, path, required={"signed_on", "version", "review_every"}, optional=frozenset({"reviewed_on"})
    )
    return Agreement(
        signed_on=r.day(d, "signed_on", path),
        version=str(d.get("version", "")).strip() or r.text(d, "version", path),
        review_every=r.duration(d, "review_every", path),
        reviewed_on=r.day(d, "reviewed_on", path) if "reviewed_on" in d else None,
    )


def _transfer(r: Reader, value: Any, path: KeyPath) -> TransferOut:
    d = r.section(
        value, path, required={"country", "mechanism"}, optional=frozenset({"module", "tia", "derogation"})
    )
    country = r.text(d, "country", path)
    if country and not _COUNTRY.match(country):
        r.problems.add(
            (*path, "country"), "not a country code", found=repr(country), expected="ISO 3166-1 alpha-2"
        )
    mechanism = r.choice(d, "mechanism", path, Mechanism)
    module = d.get("module")
    if mechanism is Mechanism.SCC_2021:
        if module not in SCC_MODULES:
            r.problems.add(
                (*path, "module"),
                "the 2021 standard contractual clauses need their module",
                found=repr(module),
                expected="1 (controller to controller), 2 (controller to processor), "
                "3 (processor to processor) or 4 (processor to controller) — Decision (EU) 2021/914",
            )
    elif module is not None:
        r.problems.add(
            (*path, "module"), "a module belongs to the 2021 clauses only", expected="mechanism scc_2021"
        )
    derogation = r.optional_text(d, "derogation", path)
    if mechanism is Mechanism.DEROGATION and derogation not in DEROGATIONS:
        r.problems.add(
            (*path, "derogation"),
            "a derogation names its point of GDPR Art. 49(1)",
            found=repr(derogation),
            expected="one of " + ", ".join(DEROGATIONS),
        )
    if mechanism is Mechanism.DPF and country and country != "US":
        r.problems.add(
            (*path, "country"),
            "the Data Privacy Framework covers transfers to certified organisations in the United "
            "States only",
            found=repr(country),
            expected="US (Decision (EU) 2023/1795)",
        )
    return TransferOut(
        country=country,
        mechanism=mechanism,
        module=module if isinstance(module, int) and module in SCC_MODULES else None,
        tia=r.optional_text(d, "tia", path),
        derogation=derogation,
    )


def _processor(r: Reader, id_: str, value: Any, path: KeyPath) -> Processor:
    d = r.section(
        value,
        path,
        required={"name", "recipients", "activities", "locations"},
        optional=frozenset({"agreement", "transfers", "sub_processor_of", "authorised_on"}),
    )
    transfers = d.get("transfers", [])
    if not isinstance(transfers, list):
        r.problems.add(
            (*path, "transfers"), "wrong type", found=kind_of(transfers), expected="a list of transfers"
        )
        transfers = []
    return Processor(
        id=id_,
        name=r.text(d, "name", path),
        recipients=r.ids(d, "recipients", path),
        activities=r.ids(d, "activities", path),
        locations=_countries(r, d, "locations", path),
        agreement=_agreement(r, d.get("agreement"), (*path, "agreement")),
        transfers=tuple(_transfer(r, t, (*path, "transfers", i)) for i, t in enumerate(transfers)),
        sub_processor_of=r.optional_text(d, "sub_processor_of", path),
        authorised_on=r.day(d, "authorised_on", path) if "authorised_on" in d else None,
    )


def read_processors(r: Reader, value: Any, path: KeyPath) -> dict[str, Processor]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        r.problems.add(path, "wrong type", found=kind_of(value), expected="a mapping of id: processor")
        return {}
    return {id_: _processor(r, str(id_), body, (*path, id_)) for id_, body in value.items()}


def _record(r: Reader, value: Any, path: KeyPath) -> DpiaRecord | None:
    if value is None:
        return None
    d = r.section(
        value,
        path,
        required={"ref", "carried_out_on", "review_every", "residual_risk"},
        optional=frozenset({"dpo_signed_on", "reviewed_on", "prior_consultation"}),
    )
    consultation = None
    if d.get("prior_consultation") is not None:
        c = r.section(d["prior_consultation"], (*path, "prior_consultation"), required={"on", "ref"})
        consultation = Consultation(
            on=r.day(c, "on", (*path, "prior_consultation")),
            ref=r.text(c, "ref", (*path, "prior_consultation")),
        )
    return DpiaRecord(
        ref=r.text(d, "ref", path),
        carried_out_on=r.day(d, "carried_out_on", path),
        review_every=r.duration(d, "review_every", path),
        residual_risk=r.choice(d, "residual_risk", path, Risk),
        dpo_signed_on=r.day(d, "dpo_signed_on", path) if "dpo_signed_on" in d else None,
        reviewed_on=r.day(d, "reviewed_on", path) if "reviewed_on" in d else None,
        prior_consultation=consultation,
    )


def read_dpia(r: Reader, value: Any, path: KeyPath) -> Dpia | None:
    """An activity's ``dpia``: ``criteria`` (a WP248 criterion: why it is met), ``cnil_list`` (the
    items of the CNIL's list it falls under) and ``record`` (the DPIA carried out)."""
    if value is None:
        return None
    d = r.section(value, path, required={"criteria"}, optional=frozenset({"cnil_list", "record"}))
    raw = d.get("criteria", {})
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        r.problems.add(
            (*path, "criteria"),
            "wrong type",
            found=kind_of(raw),
            expected="a mapping of criterion: why it is met",
        )
        raw = {}
    criteria: dict[Criterion, str] = {}
    for key, why in raw.items():
        criterion = r.choice({"c": key}, "c", (*path, "criteria"), Criterion)
        if not isinstance(why, str) or not why.strip():
            r.problems.add(
                (*path, "criteria", str(key)),
                "say why the criterion is met",
                found=kind_of(why),
                expected="text",
            )
            continue
        criteria[criterion] = " ".join(why.split())
    return Dpia(
        criteria=criteria,
        cnil_list=r.choices(d, "cnil_list", path, CnilListItem, allow_empty=True),
        record=_record(r, d.get("record"), (*path, "record")),
    )


_BALANCING = (
    "purpose",
    "interest",
    "necessity",
    "balancing",
    "safeguards",
    "reviewed_by",
    "reviewed_on",
    "review_every",
)


def read_balancing_tests(r: Reader, value: Any, path: KeyPath) -> tuple[BalancingTest, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        r.problems.add(path, "wrong type", found=kind_of(value), expected="a list of balancing tests")
        return ()
    out = []
    for i, item in enumerate(value):
        at = (*path, i)
        d = r.section(item, at, required=set(_BALANCING), optional=frozenset({"subjects"}))
        out.append(
            BalancingTest(
                purpose=r.text(d, "purpose", at),
                interest=" ".join(r.text(d, "interest", at).split()),
                necessity=" ".join(r.text(d, "necessity", at).split()),
                balancing=" ".join(r.text(d, "balancing", at).split()),
                safeguards=" ".join(r.text(d, "safeguards", at).split()),
                reviewed_by=r.text(d, "reviewed_by", at),
                reviewed_on=r.day(d, "reviewed_on", at),
                review_every=r.duration(d, "review_every", at),
                subjects=r.ids(d, "subjects", at) if "subjects" in d else None,
            )
        )
    return tuple(out)


def read_training(r: Reader, value: Any, path: KeyPath) -> Training | None:
    if value is None:
        return None
    d = r.section(
        value,
        path,
        required={"courses", "valid_for", "managed_by", "keep_for"},
        optional=frozenset({"exempt", "warn_before"}),
    )
    valid_for = r.duration(d, "valid_for", path)
    if "valid_for" in d and valid_for.is_zero:
        r.problems.add(
            (*path, "valid_for"), "a training valid for no time gates every read", expected="e.g. P12M"
        )
    raw = d.get("courses", {})
    if not isinstance(raw, dict) or not raw:
        r.problems.add(
            (*path, "courses"),
            "wrong type",
            found=kind_of(raw),
            expected="a mapping of course id: its name in each language",
        )
        raw = {}
    labels = {str(k): r.localized(v, (*path, "courses", str(k))) for k, v in raw.items()}
    return Training(
        courses=tuple(labels),
        course_labels={k: {str(lang): t(lang) for lang in r.languages} for k, t in labels.items()},
        valid_for=valid_for,
        managed_by=r.ids(d, "managed_by", path),
        keep_for=r.duration(d, "keep_for", path),
        exempt=r.ids(d, "exempt", path, allow_empty=True),
        warn_before=r.duration(d, "warn_before", path) if "warn_before" in d else WARN_BEFORE,
    )
