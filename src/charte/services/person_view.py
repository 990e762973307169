"""A person as the register holds them: the read model the register's port returns.

Nothing here is shown to anyone as such: ``services.access.shape_person`` keeps of it what the
gate lets a reader see, and only that shaped view leaves (as JSON, a page or a letter). Dates are
ISO 8601 strings, as the shaped view carries them; values of encrypted fields are in clear.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class RoleView:
    """One of the person's roles, with the contract or site it ties them to and its provenance."""

    role: str
    contract: str | None
    site: str | None
    source_kind: str
    source_ref: str | None
    started_on: str | None
    ended_on: str | None
    rank: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "contract": self.contract,
            "site": self.site,
            "source": {"kind": self.source_kind, "ref": self.source_ref},
            "started_on": self.started_on,
            "ended_on": self.ended_on,
            "rank": self.rank,
        }


@dataclass(frozen=True, slots=True)
class ContractView:
    ref: str
    offer: str
    site: str
    partner: str | None
    prescriber: str | None
    signed_on: str | None
    ended_on: str | None


@dataclass(frozen=True, slots=True)
class SiteView:
    ref: str
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ContactView:
    """A contact with a prospect (the log that restarts the prospect's retention clock)."""

    on: str | None
    direction: str
    channel: str | None
    answered: bool
    outcome: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on,
            "direction": self.direction,
            "channel": self.channel,
            "answered": self.answered,
            "outcome": self.outcome,
        }


@dataclass(frozen=True, slots=True)
class Restriction:
    """GDPR Art. 18: since when the person's data are only stored, and on which ground."""

    since: str | None
    ground: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"since": self.since, "ground": self.ground}


@dataclass(frozen=True, slots=True)
class Designated:
    """A trusted person a client designated on one of their sites, with the fields the client
    gave for them (an access answer shows other people's data only where the requester provided
    them: GDPR Art. 15(4))."""

    ref: str
    site: str
    rank: int | None
    started_on: str | None
    ended_on: str | None
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PersonView:
    """The person with every field on file and the kinds of role each was collected for."""

    ref: str
    fields: Mapping[str, str] = field(default_factory=dict)
    field_sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    roles: tuple[RoleView, ...] = ()
    contracts: tuple[ContractView, ...] = ()
    sites: tuple[SiteView, ...] = ()
    contact_log: tuple[ContactView, ...] = ()
    restricted: Restriction | None = None
