"""What a French call transcript says that identifies someone, found without a model.

Each finder reads text as speech-to-text writes it (lower case, no punctuation, numbers often
spelled out) as well as written text, and returns ``(entity, start, end, score)`` spans:

- ``PHONE``: French numbers in every written form and dictated in pairs ("zéro six douze..."),
  and international numbers, checked by ``phonenumbers``;
- ``EMAIL``: written, or spoken ("claire point dubois arobase exemple point fr");
- ``IBAN``: checked by its ISO 7064 key (``python-stdnum``);
- ``NIR``: the French social security number, checked by its key (``python-stdnum``);
- ``POSTCODE``: five digits (written or spoken) where a postcode stands: before a town's name,
  after a street, or after "code postal";
- ``ADDRESS``: a street: a number (written or spoken), a kind of way (rue, avenue, chemin...) and
  its name;
- ``DATE_OF_BIRTH``: a date (written, "3 mars 1985", or spoken) after "né(e) le", "date de
  naissance"...;
- ``PERSON``: a name after a title or an introduction ("madame dubois", "je m'appelle claire
  dubois", "de la part de..."). The spaCy model finds the others (``engine``).

The word lists name kinds of ways, titles and months: never names, streets or towns, so the
evaluation corpus's names and places are unknown to them (bench/redaction.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.fr import nir as stdnum_nir

from charte.adapters.redaction.spoken import Spoken, numbers

Span = tuple[str, int, int, float]

_MONTHS = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
_WAYS = (
    "rue|avenue|av|boulevard|bd|place|chemin|impasse|allée|allee|route|quai|cours|square|passage|"
    "sentier|voie|rond-point|résidence|residence|lotissement|hameau|lieu-dit|faubourg|cité|cite|montée|"
    "parvis|esplanade|promenade|ruelle|venelle|villa|domaine|clos"
)
# Words that end a street's name in speech ("... rue des lilas à paris", "... rue pasteur et mon ...").
_STOP = {
    "à", "a", "au", "aux", "et", "mon", "ma", "mes", "je", "j", "c", "est", "code", "postal", "dans", "sur",
    "en", "le", "la", "les", "il", "elle", "on", "nous", "vous", "qui", "que", "pour", "par", "avec", "chez",
    "donc", "voilà", "voila", "oui", "non", "euh", "bah", "ben", "alors", "puis", "ou", "numéro", "numero",
    "téléphone", "telephone", "appartement", "bâtiment", "batiment", "étage", "etage", "bis", "ter",
}  # fmt: skip
_LINKS = {"de", "du", "des", "d", "l", "la", "le", "les"}
_TITLES = r"monsieur|madame|mademoiselle|m\.|mme|mlle|docteur|maître|maitre"
_INTRO = (
    r"je m'appelle|je m appelle|je suis|mon nom est|mon nom c'est|mon nom c est|c'est|c est|"
    r"de la part de|ici|au nom de|appelle de la part de"
)
_NAME = r"[a-zà-ÿ][a-zà-ÿ'-]+"
_NOT_NAMES = {
    "le", "la", "les", "un", "une", "de", "du", "des", "bien", "pas", "très", "tres", "au", "en", "pour",
    "votre", "vous", "mon", "ma", "ça", "ca", "que", "qui", "quoi", "oui", "non", "euh", "bon", "alors",
    "client", "cliente", "madame", "monsieur", "appel", "appelle", "là", "il", "elle", "moi", "toi",
    "d'accord", "daccord", "parfait", "et", "à", "a", "sur", "chez", "dans", "son", "sa", "ses", "ce", "cette",
    "propos", "part", "concernant", "service", "centrale", "télésurveillance", "alarme", "désolé", "desole",
    "merci", "bonjour", "bonsoir", "au revoir", "technicien", "conseiller", "conseillère", "opérateur",
    # what follows "je suis" and is no name
    "né", "née", "nés", "nées", "désolée", "inquiet", "inquiète", "absent", "absente", "abonné", "abonnée",
    "propriétaire", "locataire", "joignable", "disponible", "devant", "dehors", "rentré", "rentrée", "parti",
    "partie", "passé", "passée", "actuellement", "vraiment", "toujours", "encore", "déjà", "juste", "seul",
    "seule", "sûr", "sûre", "certain", "certaine", "perdu", "perdue", "coincé", "coincée", "malade", "enceinte",
    "âgé", "âgée", "handicapé", "handicapée", "ici", "là-bas", "avec", "sans", "tout", "toute",
    "c'est", "n'est", "s'il", "adresse", "mail", "contrat", "compte", "dossier", "facture", "rendez-vous",
    "devait", "doit", "va", "vient", "passer", "venir", "arrive", "arrivé", "est", "était", "sera",
}  # fmt: skip

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_SPOKEN_EMAIL = re.compile(
    r"\b[\wà-ÿ]+(?:\s+(?:point|tiret|underscore|tiret bas)\s+[\wà-ÿ]+)*\s+(?:arobase|arrobase|at)\s+"
    r"[\wà-ÿ]+(?:\s+point\s+[\wà-ÿ]+)+\b",
    re.IGNORECASE,
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b", re.IGNORECASE)
_NIR = re.compile(
    r"\b[12][ .]?\d{2}[ .]?(?:0[1-9]|1[0-2]|[2-9]\d)[ .]?(?:\d{2}|2[AB])[ .]?\d{3}[ .]?\d{3}(?:[ .]?\d{2})?\b",
    re.IGNORECASE,
)
_POSTCODE = re.compile(r"\b(?:0[1-9]|[1-8]\d|9[0-8])\d{3}\b")
_DATE_NUMERIC = re.compile(r"\b(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|1[0-2])[/.-](?:19|20)?\d{2}\b")
_DATE_WORDS = re.compile(rf"\b(?:1er|premier|[0-3]?\d)\s+(?:{_MONTHS})\s+(?:19|20)\d{{2}}\b", re.IGNORECASE)
_BIRTH = re.compile(r"\b(?:née?s?|naissance|né le|née le|anniversaire)\b[^.?!]{0,25}$", re.IGNORECASE)
_WAY = re.compile(rf"\b(?:{_WAYS})\b\.?", re.IGNORECASE)
_TITLED = re.compile(rf"\b(?:{_TITLES})\s+({_NAME}(?:\s+{_NAME})?)", re.IGNORECASE)
# Who a caller speaks of: "ma fille X", "votre personne de confiance X", "X à l'appareil".
_RELATIONS = (
    r"personne de confiance|collègue|collegue|fils|fille|mari|femme|épouse|epouse|époux|epoux|mère|mere|"
    r"père|pere|frère|frere|sœur|soeur|voisin|voisine|belle-fille|beau-fils|gendre|belle-mère|beau-père|"
    r"neveu|nièce|niece|cousin|cousine|compagnon|compagne"
)
_RELATED = re.compile(rf"\b(?:{_RELATIONS})\s+({_NAME}(?:\s+{_NAME})?)", re.IGNORECASE)
_ON_LINE = re.compile(rf"\b({_NAME}\s+{_NAME})\s+à l'appareil", re.IGNORECASE)
_INTRODUCED = re.compile(rf"\b(?:{_INTRO})\s+(?:(?:{_TITLES})\s+)?({_NAME}(?:\s+{_NAME})?)", re.IGNORECASE)


def find(text: str) -> list[Span]:
    """Every span the finders see, possibly overlapping (the engine resolves overlaps)."""
    spoken = list(numbers(text))
    spans: list[Span] = []
    for finder in (_phones, _emails, _ibans, _nirs, _addresses, _postcodes, _births, _persons):
        spans.extend(finder(text, spoken))
    return spans


def _phones(text: str, spoken: list[Spoken]) -> Iterator[Span]:
    for match in phonenumbers.PhoneNumberMatcher(text, "FR", leniency=phonenumbers.Leniency.VALID):
        yield ("PHONE", match.start, match.end, 0.95)
    for run in spoken:
        digits = run.digits
        if len(digits) == 10 and digits[0] == "0" and digits[1] != "0" and len(run.groups) >= 4:
            yield ("PHONE", run.start, run.end, 0.9)
        elif 8 <= len(digits) <= 11 and run.groups[:1] == ("0",) and len(run.groups) >= 4:
            # dictated from "zéro", in pairs, but heard ambiguously ("soixante seize": 76, or 60 16?)
            yield ("PHONE", run.start, run.end, 0.7)
        elif len(digits) == 11 and digits.startswith("33"):
            yield ("PHONE", run.start, run.end, 0.8)


def _emails(text: str, spoken: list[Spoken]) -> Iterator[Span]:
    for match in _EMAIL.finditer(text):
        yield ("EMAIL", match.start(), match.end(), 1.0)
    for match in _SPOKEN_EMAIL.finditer(text):
        yield ("EMAIL", match.start(), match.end(), 0.9)


def _ibans(text: str, spoken: list[Spoken]) -> Iterator[Span]:
    for match in _IBAN.finditer(text):
        if stdnum_iban.is_valid(match.group()):
            yield ("IBAN", match.start(), match.end(), 1.0)


def _nirs(text: str, spoken: list[Spoken]) -> Iterator[Span]:
    for match in _NIR.finditer(text):
        if stdnum_nir.is_valid(re.sub(r"[ .]", "", match.group())):
            yield ("NIR", match.start(), match.end(), 1.0)
    for run in spoken:
        if len(run.digits) == 15 and stdnum_nir.is_valid(run.digits):
            yield ("NIR", run.start, run.end, 0.9)


def _addresses(text: str, spoken: list[Spoken]) -> Iterator[Span]:
    """A kind of way, the street number before it (written or spoken), and the words of its name
    after it up to a word that ends it in speech."""
    words = list(re.finditer(r"[\wà-ÿ'-]+", text))
    by_start = {w.start(): i for i, w in enumerate(words)}
    # A spoken number of a thousand or more after a street is its postcode, not its name.
    postcodes = {r.start for r in spoken if len(r.groups) == 1 and int(r.groups[0]) >= 1000}
    for way in _WAY.finditer(text):
        i = by_start.get(way.start())
        if i is None:
            continue
        start = way.start()
        before = text[:start].rstrip(" ,")
        number = re.search(r"\b\d{1,4}(?:\s?(?:bis|ter))?$", before, re.IGNORECASE)
        if number:
            start = number.start()
        else:
            run = next((r for r in spoken if text[r.end : way.start()].strip(" ,") in ("", "bis", "ter")
                        and r.end <= way.start() and len(r.groups) == 1 and int(r.groups[0]) < 3000), None)  # fmt: skip
            if run is not None:
                start = run.start
        end, taken, j = way.end(), 0, i + 1
        while j < len(words) and taken < 4:
            w = words[j].group().lower()
            if w in _LINKS:  # "de la", "des": part of the name unless the name is over
                if taken and j + 1 < len(words) and words[j + 1].group().lower() in _STOP - _LINKS:
                    break
            elif w in _STOP or w.isdigit() or words[j].start() in postcodes:
                break
            if w not in _LINKS:
                taken += 1
            end = words[j].end()
            j += 1
        if taken:
            yield ("ADDRESS", start, end, 0.85)


def _postcodes(text: str, spoken: list[Spoken]) -> Iterator[Span]:
    """Five digits are a postcode where one stands: after "code postal", after a street, or before
    a word that is not a number word (the town)."""
    lowered = text.lower()
    candidates = [(m.start(), m.end(), m.group()) for m in _POSTCODE.finditer(text)]
    candidates += [(r.start, r.end, r.digits) for r in spoken if len(r.digits) == 5]
    # "neuf mille cent" is 09100: departments 01 to 09 are said without their zero
    candidates += [
        (r.start, r.end, "0" + r.groups[0]) for r in spoken if len(r.groups) == 1 and len(r.groups[0]) == 4
    ]
    for start, end, digits in candidates:
        if not _POSTCODE.fullmatch(digits):
            continue
        before = lowered[max(0, start - 60) : start]
        after = lowered[end : end + 30].strip()
        next_word = re.match(r"[a-zà-ÿ][a-zà-ÿ'-]*", after)
        town_after = (
            next_word is not None
            and next_word.group() not in _STOP
            and not re.match(
                r"(?:euros?|€|km|kilomètres|mètres|fois|personnes|ans|minutes|heures|h)\b", after
            )
        )
        if "code postal" in before[-25:] or _WAY.search(before) or town_after:
            yield ("POSTCODE", start, end, 0.85 if town_after or "code postal" in before else 0.6)


def _births(text: str, spoken: list[Spoken]) -> Iterator[Span]:
    dates = [(m.start(), m.end()) for m in _DATE_NUMERIC.finditer(text)]
    dates += [(m.start(), m.end()) for m in _DATE_WORDS.finditer(text)]
    for run in spoken:  # "trois mars mille neuf cent quatre vingt cinq"
        month = re.match(rf"\s+(?:{_MONTHS})\s+", text[run.end :], re.IGNORECASE)
        if month and len(run.groups) == 1 and 1 <= int(run.groups[0]) <= 31:
            year = next((r for r in spoken if r.start == run.end + month.end()), None)
            if year is not None and len(year.digits) == 4:
                dates.append((run.start, year.end))
            else:
                plain = re.match(r"(?:19|20)\d{2}\b", text[run.end + month.end() :])
                if plain:
                    dates.append((run.start, run.end + month.end() + plain.end()))
    for first in re.finditer(rf"\b(?:premier|1er)\s+(?:{_MONTHS})\s+", text, re.IGNORECASE):
        year = next((r for r in spoken if r.start == first.end() and len(r.digits) == 4), None)
        if year is not None:
            dates.append((first.start(), year.end))
    for start, end in dates:
        if _BIRTH.search(text[max(0, start - 40) : start]):
            yield ("DATE_OF_BIRTH", start, end, 0.9)


def _persons(text: str, spoken: list[Spoken]) -> Iterator[Span]:
    for pattern, score in ((_TITLED, 0.8), (_INTRODUCED, 0.6), (_RELATED, 0.6), (_ON_LINE, 0.7)):
        for match in pattern.finditer(text):
            names = match.group(1).split()
            kept = []
            for name in names:
                if name.lower() in _NOT_NAMES or name.lower() in _STOP:
                    break
                kept.append(name)
            if kept:
                start = match.start(1)
                end = start + len(" ".join(kept))
                if text[start:end] == " ".join(kept):
                    yield ("PERSON", start, end, score)


_FILLERS = {"ben", "bah", "euh", "hein", "bonjour", "bonsoir", "allô", "allo", "oui", "non", "voilà", "voila"}
_TITLE_WORDS = {"monsieur", "madame", "mademoiselle", "m.", "mme", "mlle", "docteur", "maître", "maitre"}


def trim_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A name the model proposes, without the greetings, fillers and titles it took along, or None
    when nothing of a name is left (a number, a street, a town after "à")."""
    words = list(re.finditer(r"[\wà-ÿ'.-]+", text[start:end]))
    skip = _FILLERS | _TITLE_WORDS | _NOT_NAMES | _STOP

    def name_like(w: str) -> bool:
        low = w.lower()
        return low not in skip and not low.isdigit() and not list(numbers(low)) and not _WAY.fullmatch(low)

    while words and not name_like(words[0].group()):
        words = words[1:]
    while words and not name_like(words[-1].group()):
        words = words[:-1]
    if not words or any(_WAY.fullmatch(w.group().lower()) for w in words):
        return None
    first, last = start + words[0].start(), start + words[-1].end()
    if len(words) == 1 and re.search(
        r"\b(?:à|a|au|de|en)\s+$", text[max(0, first - 4) : first], re.IGNORECASE
    ):
        return None  # "à Aurillac": a place
    return first, last
