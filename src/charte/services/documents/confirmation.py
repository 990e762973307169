"""Nothing the policy only assumes is published as a fact.

A value marked ``assumption: true`` is one the charter never stated and the policy had to choose
(transfers outside the EU: « none », a share of calls recorded, a legal basis): the charter and the
Art. 30 register that state it say so — « [à confirmer : transfers_outside_eu] » after the
sentence, in a draft — and a final rendering is refused while any value it publishes is
unconfirmed, naming each key, until the DPO confirms it in the policy (removes the assumption).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from charte.domain.policy import Policy
from charte.domain.problems import KeyPath
from charte.domain.vocabulary import Language
from charte.services.errors import Refused

_MARK = {Language.FR: "à confirmer", Language.EN: "to be confirmed"}


class Unconfirmed(Refused):
    """A final document would publish assumptions as facts."""

    def __init__(self, keys: list[str]) -> None:
        super().__init__(
            "the document would publish values the policy only assumes: confirm them in the policy "
            f"(remove their `assumption: true`) or publish a draft — {', '.join(keys)}"
        )
        self.keys = keys


def _covers(assumed: KeyPath, stated: KeyPath) -> bool:
    """Whether stating ``stated`` publishes the assumed value (one path contains the other)."""
    n = min(len(assumed), len(stated))
    return tuple(map(str, assumed[:n])) == tuple(map(str, stated[:n]))


@dataclass(slots=True)
class Stating:
    """Marks each sentence of a document that states an assumed value, and remembers which."""

    policy: Policy
    lang: Language
    found: list[str] = field(default_factory=list)

    def __call__(self, text: str, *keys: KeyPath) -> str:
        hit = sorted(
            {".".join(map(str, a.path)) for a in self.policy.assumptions for k in keys if _covers(a.path, k)}
        )
        if not hit:
            return text
        self.found += [k for k in hit if k not in self.found]
        sep = " : " if self.lang is Language.FR else ": "
        return f"{text} [{_MARK[self.lang]}{sep}{', '.join(hit)}]"

    def settle(self, *, final: bool) -> None:
        """A final document is refused while it states an unconfirmed value."""
        if final and self.found:
            raise Unconfirmed(sorted(self.found))
