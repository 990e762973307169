"""Redaction quality and speed, charte vs Presidio's French baseline, on the labelled corpus.

    .venv/bin/python bench/redaction.py [--rounds 3]

Both engines read the same transcripts (tests/corpus/redaction: generated from templates with
made-up names and numbers, and written by hand in speech-to-text style). The baseline is what
Presidio gives for French out of the box: ``AnalyzerEngine`` with the spaCy ``fr_core_news_sm``
NLP engine (the full pipeline) and the predefined recognizers Presidio loads for ``fr``; its types
are mapped to charte's (PERSON, PHONE_NUMBER -> PHONE, EMAIL_ADDRESS -> EMAIL, IBAN_CODE -> IBAN,
LOCATION -> ADDRESS); it has no NIR, postcode or birth-date recognizer for French.

A labelled span counts as found when a predicted span of the same type overlaps it; a predicted
span is right when it overlaps a labelled one of its type. Per type: precision, recall and F2
(recall weighs four times: a name left in clear matters more than a word redacted for nothing).
Speed: characters per second over the whole corpus, best of ``--rounds``, both engines loaded
first. Prints one JSON object; BENCHMARKS.md records the figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from redaction_corpus import CORPUS, load

from charte.adapters.redaction.engine import ENTITIES, Redactor, offline

BASELINE_TYPES = {"PERSON": "PERSON", "PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "EMAIL", "IBAN_CODE": "IBAN",
                  "LOCATION": "ADDRESS"}  # fmt: skip


def baseline():
    offline()  # the baseline's e-mail recognizer would download the public suffix list otherwise
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    nlp = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "fr", "model_name": "fr_core_news_sm"}],
        }
    ).create_engine()
    registry = RecognizerRegistry(supported_languages=["fr"])
    registry.load_predefined_recognizers(languages=["fr"], nlp_engine=nlp)
    engine = AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["fr"])

    def spans(text: str) -> list[tuple[str, int, int]]:
        return [(BASELINE_TYPES[r.entity_type], r.start, r.end) for r in engine.analyze(text, language="fr")
                if r.entity_type in BASELINE_TYPES]  # fmt: skip

    return spans


def score(corpus, predict) -> dict[str, dict[str, float]]:
    found, labelled, right, predicted = Counter(), Counter(), Counter(), Counter()
    for text, gold in corpus:
        guess = predict(text)
        for kind, start, end in gold:
            labelled[kind] += 1
            found[kind] += any(k == kind and s < end and start < e for k, s, e in guess)
        for kind, start, end in guess:
            predicted[kind] += 1
            right[kind] += any(k == kind and s < end and start < e for k, s, e in gold)
    out = {}
    for kind in ENTITIES:
        p = right[kind] / predicted[kind] if predicted[kind] else 0.0
        r = found[kind] / labelled[kind] if labelled[kind] else 0.0
        f2 = 5 * p * r / (4 * p + r) if p + r else 0.0
        out[kind] = {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f2": round(f2, 3),
            "labelled": labelled[kind],
        }
    return out


def speed(corpus, predict, rounds: int) -> float:
    chars = sum(len(t) for t, _ in corpus)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text, _ in corpus:
            predict(text)
        best = min(best, time.perf_counter() - start)
    return chars / best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    corpus = load(CORPUS / "generated.txt") + load(CORPUS / "handwritten.txt")
    handwritten = load(CORPUS / "handwritten.txt")
    heldout = load(CORPUS / "heldout.txt")  # never used to tune the recognizers
    ours = Redactor()

    def charte(text: str) -> list[tuple[str, int, int]]:
        return [(k, s, e) for k, s, e, _ in ours.spans(text)]

    theirs = baseline()
    result = {
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "transcripts": len(corpus),
        "handwritten": len(handwritten),
        "charte": score(corpus, charte),
        "baseline": score(corpus, theirs),
        "charte_handwritten": score(handwritten, charte),
        "baseline_handwritten": score(handwritten, theirs),
        "heldout": len(heldout),
        "charte_heldout": score(heldout, charte),
        "baseline_heldout": score(heldout, theirs),
        "charte_chars_per_s": round(speed(corpus, charte, args.rounds)),
        "baseline_chars_per_s": round(speed(corpus, theirs, args.rounds)),
    }
    result["speed_ratio"] = round(result["charte_chars_per_s"] / result["baseline_chars_per_s"], 2)
    print(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
