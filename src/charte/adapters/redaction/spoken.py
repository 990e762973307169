"""French numbers as speech-to-text writes them: "zéro six douze trente-quatre...", "soixante-dix-huit".

Transcripts of phone calls spell numbers out, without punctuation. A caller dictating a phone
number says it in pairs ("zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit"), a
postcode or a street number as one number ("soixante-quinze mille onze", "douze"). ``numbers``
finds every run of number words in a text and reads it as the digits a person would write, with
its character span, so that the recognizers can look for phone numbers, postcodes and dates in
spoken text as in written text.

The French the parser reads: units, teens, tens with "et un" and hyphens or spaces, the
"soixante-dix" and "quatre-vingt(s)" forms, Belgian/Swiss "septante", "huitante", "octante",
"nonante", "cent(s)" and "mille". Pure: no dependency.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_UNITS = {
    "zéro": 0, "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16,
}  # fmt: skip
_TENS = {
    "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
}  # fmt: skip
_WORDS = {**_UNITS, **_TENS, "cent": 100, "cents": 100, "mille": 1000, "et": -1}
_TOKEN = re.compile(r"[a-zéèêàç]+|\d+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Spoken:
    """A run of number words: where it stands in the text, and the groups a listener hears (each
    group one number: "zéro six douze" -> ["0", "6", "12"])."""

    start: int
    end: int
    groups: tuple[str, ...]

    @property
    def digits(self) -> str:
        """The digits as written: pairs of a dictated number keep their two digits ("zéro six" is
        "06": a group after a leading zero is a digit of the same pair)."""
        out = []
        for i, g in enumerate(self.groups):
            if len(g) == 1 and i + 1 < len(self.groups) and g == "0":
                out.append("0")
            elif len(g) == 1 and i > 0 and self.groups[i - 1] == "0":
                out.append(g)
            elif len(g) == 1 and len(self.groups) > 1:
                out.append("0" + g)  # "... quatre ..." in a dictated number is the pair "04"
            else:
                out.append(g)
        return "".join(out)


def numbers(text: str) -> Iterator[Spoken]:
    """Every run of French number words (or digits mixed with them) in ``text``."""
    run: list[tuple[int, int, str]] = []
    for match in _TOKEN.finditer(text.replace("-", " ")):
        word = match.group().lower()
        if word.isdigit() or word in _WORDS:
            gap = text[run[-1][1] : match.start()] if run else ""
            if run and gap.strip(" ,-"):
                yield from _read(run)
                run = []
            run.append((match.start(), match.end(), word))
            continue
        if run:
            yield from _read(run)
            run = []
    if run:
        yield from _read(run)


def _read(run: list[tuple[int, int, str]]) -> Iterator[Spoken]:
    words = [w for _, _, w in run]
    while words and words[0] == "et":  # "et" is a number word only inside one ("vingt et un")
        run, words = run[1:], words[1:]
    while words and words[-1] == "et":
        run, words = run[:-1], words[:-1]
    if not words:
        return
    groups = _groups(words)
    if groups:
        yield Spoken(run[0][0], run[-1][1], tuple(groups))


def _groups(words: list[str]) -> list[str]:
    """Split the words into the numbers a listener hears, left to right, each as long as it can be
    while it still reads as one French number ("soixante dix huit" is 78; "douze trente" is 12, 30)."""
    merged: list[str] = []
    for w in words:  # "dix sept" is one word, seventeen
        if merged and merged[-1] == "dix" and w in ("sept", "huit", "neuf"):
            merged[-1] = f"dix-{w}"
        else:
            merged.append(w)
    groups: list[str] = []
    i = 0
    while i < len(merged):
        if merged[i].isdigit():
            groups.append(merged[i])
            i += 1
            continue
        value, used = _number(merged, i)
        if used == 0:
            i += 1
            continue
        groups.append(str(value))
        i += used
    return groups


_TEENS = {"dix-sept": 17, "dix-huit": 18, "dix-neuf": 19}


def _number(words: list[str], i: int) -> tuple[int, int]:
    """The longest French number starting at ``words[i]``: its value and how many words it took."""
    if words[i] in ("zéro", "zero"):
        return 0, 1  # a dictated zero stands alone: "zéro six" is two groups
    total = current = 0
    last = ""  # the kind of the previous word: unit, tens, hundreds, thousands
    j = i
    while j < len(words):
        w = words[j]
        unit = _TEENS.get(w, _UNITS.get(w)) if w not in ("zéro", "zero") else None
        if w == "et":
            if last == "tens" and j + 1 < len(words) and words[j + 1] in ("un", "une", "onze"):
                j += 1
                continue
            break
        if unit is not None:
            low = current % 100
            if last == "tens" and low in (60, 80) and unit <= 19:
                current += unit  # soixante-dix-huit, quatre-vingt-douze
            elif last == "tens" and unit <= 9 and low % 10 == 0:
                current += unit  # trente-quatre
            elif last in ("", "hundreds", "thousands") and low == 0:
                current += unit
            else:
                break
            last = "unit"
        elif w in _TENS:
            tens, low = _TENS[w], current % 100
            if tens == 20 and last == "unit" and low == 4:
                current += 76  # quatre-vingt(s)
                if w == "vingts":  # the plural ends the number: "quatre-vingts quinze" is 80, 15
                    j += 1
                    break
            elif last in ("", "hundreds", "thousands") and low == 0:
                current += tens
            else:
                break
            last = "tens"
        elif w in ("cent", "cents"):
            low = current % 100
            if last in ("", "thousands") and low == 0:
                current += 100
            elif last == "unit" and 1 < low < 10:
                current += low * 99  # deux cents: 2 -> 200
            else:
                break
            last = "hundreds"
        elif w == "mille" and last != "thousands" and total == 0:
            total, current, last = (current or 1) * 1000, 0, "thousands"
        else:
            break
        j += 1
    return total + current, j - i
