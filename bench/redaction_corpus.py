"""Build the labelled French corpus the redaction benchmark reads (tests/corpus/redaction/).

    .venv/bin/python bench/redaction_corpus.py      # rewrites generated.txt (deterministic)

Transcripts are written with inline labels, ``[[KIND:text]]``, one per line; ``load`` strips the
labels and returns the text with its spans. ``generated.txt`` comes from dialogue templates filled
with names, streets, towns and numbers made up here — none of them appears in any list the
recognizers use (they use none: titles, kinds of ways and months only). Half the transcripts are
rendered as speech-to-text writes: lower case, no punctuation, hesitations, numbers spelled out.
``handwritten.txt`` holds transcripts written by hand in that style.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "redaction"
_LABEL = re.compile(r"\[\[([A-Z_]+):(.+?)\]\]")

FIRST = ["Maëlys", "Théodore", "Anouk", "Bastien", "Ysaline", "Gaspard", "Léonie", "Armand", "Solène", "Octave",
         "Capucine", "Firmin", "Jacinthe", "Evrard", "Philippine", "Aurélien", "Ninon", "Gontran", "Séverine",
         "Ambroise", "Clotilde", "Lazare", "Bérénice", "Anatole", "Ombeline", "Célestin", "Hortense", "Joachim",
         "Mahaut", "Eudes", "Perrine", "Tancrède", "Isaure", "Barnabé", "Garance", "Hippolyte"]  # fmt: skip
LAST = ["Vasseur", "Quéméner", "Lhuillier", "Carrère", "Ducrocq", "Malherbe", "Peyrac", "Tessier", "Brossard",
        "Kerjean", "Fontanel", "Rigaud", "Lamarque", "Escoffier", "Villeneuve", "Mauduit", "Courtade", "Berthelot",
        "Daguerre", "Saint-Amand", "Leclercq", "Pujol", "Marchetti", "Gourvennec", "Ollivier", "Cazenave",
        "Thiébaut", "Abgrall", "Vidalenc", "Esnault", "Hamelin", "Roussel", "Bonnefoy", "Castagné"]  # fmt: skip
STREETS = ["des Glycines", "du Moulin Vert", "Émile Verhaeren", "des Tanneurs", "de la Source", "Pasteur Wagner",
           "des Trois Chênes", "du Puits Salé", "Gambetta", "des Vignerons", "de la Forge", "Saint-Exupéry",
           "des Cordiers", "du Général Ferrié", "des Hirondelles", "de la Tuilerie", "Jean Moulin", "des Écoles"]  # fmt: skip
WAYS = ["rue", "avenue", "chemin", "impasse", "allée", "boulevard", "place", "route"]
TOWNS = ["Montbrison", "Quimperlé", "Chalon", "Aurillac", "Dax", "Saumur", "Vierzon", "Lunel", "Guingamp",
         "Millau", "Cholet", "Pontarlier", "Fougères", "Manosque", "Oloron"]  # fmt: skip
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]  # fmt: skip

_UNITS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
          "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf"]  # fmt: skip
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante", 8: "quatre-vingt"}


def words(n: int) -> str:
    """A number 0-99999 as French words, the way speech-to-text writes it (hyphens as spoken)."""
    if n < 20:
        return _UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        if tens in (7, 9):
            return f"{_TENS[tens - 1]}-" + ("et-onze" if n == 71 else _UNITS[10 + unit])
        if tens == 8:
            return "quatre-vingts" if unit == 0 else f"quatre-vingt-{_UNITS[unit]}"
        if unit == 0:
            return _TENS[tens]
        return f"{_TENS[tens]}-{'et-un' if unit == 1 else _UNITS[unit]}"
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "cent" if hundreds == 1 else f"{_UNITS[hundreds]} cent{'s' if rest == 0 else ''}"
        return head if rest == 0 else f"{head} {words(rest)}"
    thousands, rest = divmod(n, 1000)
    head = "mille" if thousands == 1 else f"{words(thousands)} mille"
    return head if rest == 0 else f"{head} {words(rest)}"


def load(path: Path) -> list[tuple[str, list[tuple[str, int, int]]]]:
    """Each labelled line: the plain text and its spans (kind, start, end)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, spans, last = [], [], 0
        size = 0
        for match in _LABEL.finditer(line):
            before = line[last : match.start()]
            text.append(before)
            size += len(before)
            spans.append((match.group(1), size, size + len(match.group(2))))
            text.append(match.group(2))
            size += len(match.group(2))
            last = match.end()
        text.append(line[last:])
        out.append(("".join(text), spans))
    return out


class _Maker:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)  # noqa: S311 (a reproducible corpus, not a secret)

    def phone(self, spoken: bool) -> str:
        digits = "0" + self.r.choice("1234567") + "".join(self.r.choice("0123456789") for _ in range(8))
        if spoken:
            pairs = [digits[i : i + 2] for i in range(0, 10, 2)]
            head = f"zéro {_UNITS[int(pairs[0][1])]}"
            return " ".join(
                [head, *(words(int(p)) if p[0] != "0" else f"zéro {_UNITS[int(p[1])]}" for p in pairs[1:])]
            )
        sep = self.r.choice([" ", ".", ""])
        return sep.join(digits[i : i + 2] for i in range(0, 10, 2))

    def iban(self) -> str:
        bban = "".join(self.r.choice("0123456789") for _ in range(23))
        numeric = int("".join(str(int(c, 36)) for c in bban + "FR00"))
        key = 98 - numeric % 97
        raw = f"FR{key:02d}{bban}"
        return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))

    def nir(self) -> str:
        body = (f"{self.r.choice('12')}{self.r.randint(40, 99):02d}{self.r.randint(1, 12):02d}"
                f"{self.r.randint(1, 95):02d}{self.r.randint(1, 999):03d}{self.r.randint(1, 999):03d}")  # fmt: skip
        key = 97 - int(body) % 97
        return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {key:02d}"

    def postcode(self) -> int:
        return self.r.randint(1, 95) * 1000 + self.r.choice([0, 10, 100, 110, 200, 300])

    def birth(self, spoken: bool) -> str:
        day, month, year = self.r.randint(1, 28), self.r.randint(1, 12), self.r.randint(1935, 2004)
        if spoken:
            return f"{'premier' if day == 1 else words(day)} {MONTHS[month - 1]} {words(year)}"
        return self.r.choice([f"{day} {MONTHS[month - 1]} {year}", f"{day:02d}/{month:02d}/{year}"])


TEMPLATES = [
    "bonjour [[PERSON:{first} {last}]] à l'appareil je vous appelle pour mon alarme qui sonne",
    "oui bonjour je m'appelle [[PERSON:{first} {last}]] j'habite au [[ADDRESS:{number} {way} {street}]] à {town}",
    "c'est madame [[PERSON:{last}]] le technicien devait passer au [[ADDRESS:{number} {way} {street}]] ce matin",
    "vous pouvez me rappeler au [[PHONE:{phone}]] je suis joignable toute la journée",
    "mon adresse mail c'est [[EMAIL:{email}]] pour recevoir la facture",
    "pour le prélèvement voici mon iban [[IBAN:{iban}]] merci",
    "mon numéro de sécurité sociale est le [[NIR:{nir}]] pour le dossier",
    "je suis née le [[DATE_OF_BIRTH:{birth}]] et le contrat est à mon nom",
    "l'adresse c'est [[ADDRESS:{number} {way} {street}]] [[POSTCODE:{postcode}]] {town}",
    "bonjour monsieur [[PERSON:{last}]] votre personne de confiance [[PERSON:{first2} {last2}]] ne répond pas au [[PHONE:{phone}]]",
    "oui c'est pour ma mère madame [[PERSON:{last}]] elle habite [[ADDRESS:{number} {way} {street}]] code postal [[POSTCODE:{postcode}]]",
    "ma date de naissance [[DATE_OF_BIRTH:{birth}]] et mon numéro de téléphone [[PHONE:{phone}]]",
    "je vous passe mon collègue [[PERSON:{first2} {last2}]] il gère le dossier de télésurveillance",
    "l'alarme s'est déclenchée chez nous au [[ADDRESS:{number} {way} {street}]] vers trois heures du matin",
    "écrivez moi à [[EMAIL:{email}]] ou appelez le [[PHONE:{phone}]] après dix-huit heures",
]


def render(template: str, m: _Maker, spoken: bool) -> str:
    r = m.r
    first, last = r.choice(FIRST), r.choice(LAST)
    number = r.randint(1, 180)
    email_user = (
        f"{first}.{last}".lower().replace("ë", "e").replace("é", "e").replace("è", "e").replace(" ", "")
    )
    domain = r.choice(["exemple.fr", "courriel.net", "boite.org", "mail.example.com"])
    values = {
        "first": first, "last": last, "first2": r.choice(FIRST), "last2": r.choice(LAST),
        "number": words(number) if spoken else str(number) + r.choice(["", "", " bis"]),
        "way": r.choice(WAYS), "street": r.choice(STREETS), "town": r.choice(TOWNS),
        "phone": m.phone(spoken), "iban": m.iban(), "nir": m.nir(),
        "postcode": words(m.postcode()) if spoken else f"{m.postcode():05d}",
        "birth": m.birth(spoken),
        "email": (f"{email_user.replace('.', ' point ')} arobase {domain.replace('.', ' point ')}" if spoken
                  else f"{email_user}@{domain}"),
    }  # fmt: skip
    text = template.format(**values)
    if spoken:
        text = re.sub(r"\[\[([a-z_]+):", lambda x: f"[[{x.group(1).upper()}:", text.lower())
        filler = r.choice(["", "", "euh ", "ben ", "alors euh "])
        text = filler + text
    else:
        text = text[0].upper() + text[1:] + "."
    return text


def main() -> None:
    m = _Maker(2026)
    lines = ["# Generated by bench/redaction_corpus.py (seed 2026): do not edit by hand."]
    for n in range(320):
        template = TEMPLATES[n % len(TEMPLATES)]
        lines.append(render(template, m, spoken=n % 2 == 1))
    (CORPUS / "generated.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 1} transcripts written to {CORPUS / 'generated.txt'}")


if __name__ == "__main__":
    main()
