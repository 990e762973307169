"""When a person whose data came from someone else must be told (GDPR Art. 14(3)).

Prospects from a partner or a referring client, trusted persons designated by a client, contacts
registered by a client: none of them gave us their data. They must be informed — who we are, the
purposes, the source, their rights — within a reasonable period and at the latest one month after
the data were obtained (14(3)(a)), or at the first communication with them if that comes earlier
(14(3)(b)). The month is a period of EU law (Regulation (EEC, Euratom) No 1182/71 art. 3(2)(c))
and, being a deadline for an act, rolls past weekends and the public holidays of the Member State
where the act is done — France's — like the other deadlines (art. 3(4)).
"""

from __future__ import annotations

from datetime import date

from charte.domain.dates import add_months, roll_to_working_day
from charte.domain.register import Direction
from charte.domain.vocabulary import HolidayCalendar, SourceKind

# Art. 14(3)(b): the contacts that are a communication with the person (we call or write to them).
COMMUNICATIONS = frozenset({Direction.OUTBOUND})


def needs_notice(source: SourceKind) -> bool:
    """Art. 13 covers data collected from the person; Art. 14 everything else."""
    return source is not SourceKind.SUBJECT


def sources_needing_notice() -> frozenset[SourceKind]:
    """The kinds of source whose data are owed an Art. 14 notice (the store selects by them)."""
    return frozenset(k for k in SourceKind if needs_notice(k))


def notice_due(
    collected_on: date, first_contact: date | None, calendar: HolidayCalendar = HolidayCalendar.METROPOLITAN
) -> date:
    """The last day to inform: one month after collection, or the first contact if earlier."""
    month = roll_to_working_day(add_months(collected_on, 1), calendar)
    if first_contact is not None and first_contact < month:
        return max(first_contact, collected_on)
    return month
