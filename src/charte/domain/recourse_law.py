"""The recourse windows French procedure gives, as a policy table, to judge a policy's against.

A policy states its own windows (``litigation.recourse_windows``); ``policy lint`` warns where one
would release a hold before the law's window closes, since the data would then be erased while
the judgment may still be challenged. The table is the law as of December 2026:

- civil: appeal 1 month from service (CPC 538), cassation 2 months (CPC 612), référé appeal
  15 days (CPC 490); +1 month for a party overseas, +2 months abroad (CPC 643), and before a
  court sitting overseas +1 month for a party outside its collectivity (CPC 644); last day
  rolled by CPC 642;
- criminal: appeal 10 days for the parties (CPP 498), 20 days for the procureur général
  (CPP 505), from pronouncement; cassation within five jours francs (CPP 568); last day rolled
  by CPP 801;
- administrative: appeal 2 months from service (CJA R811-2), cassation 2 months (CJA R821-1),
  with the distance extensions of CJA R421-7 (R811-5).
"""

from __future__ import annotations

from charte.domain.durations import Duration
from charte.domain.policy import Distance, RecourseRoute, RecourseWindow
from charte.domain.vocabulary import Counting, CourtKind, Recourse, WindowStart

CPC = "Code de procédure civile"
CPP = "Code de procédure pénale"
CJA = "Code de justice administrative"

_CIVIL_DISTANCE = Distance(Duration(months=1), Duration(months=2), f"{CPC} art. 643")
_OVERSEAS_COURT = Distance(Duration(months=1), Duration(months=2), f"{CPC} art. 644")
_ADMINISTRATIVE_DISTANCE = Distance(Duration(months=1), Duration(months=2), f"{CJA} art. R421-7 (R811-5)")
_CIVIL_ROLLING = f"{CPC} art. 642"
_CRIMINAL_ROLLING = f"{CPP} art. 801"


def _civil(period: Duration, article: str) -> RecourseWindow:
    return RecourseWindow(
        (
            RecourseRoute(
                period,
                WindowStart.SERVICE,
                f"{CPC} art. {article}",
                _CIVIL_DISTANCE,
                _OVERSEAS_COURT,
                rolled_by=_CIVIL_ROLLING,
            ),
        )
    )


def _administrative(article: str) -> RecourseWindow:
    route = RecourseRoute(
        Duration(months=2),
        WindowStart.SERVICE,
        f"{CJA} art. {article}",
        _ADMINISTRATIVE_DISTANCE,
        _ADMINISTRATIVE_DISTANCE,
        rolled_by=_CIVIL_ROLLING,
    )
    return RecourseWindow((route,))


FRENCH_RECOURSE: dict[CourtKind, dict[Recourse, RecourseWindow]] = {
    CourtKind.CIVIL: {
        Recourse.APPEAL: _civil(Duration(months=1), "538"),
        Recourse.CASSATION: _civil(Duration(months=2), "612"),
    },
    CourtKind.REFERE: {
        Recourse.APPEAL: _civil(Duration(days=15), "490"),
        Recourse.CASSATION: _civil(Duration(months=2), "612"),
    },
    CourtKind.CRIMINAL: {
        Recourse.APPEAL: RecourseWindow(
            (
                RecourseRoute(
                    Duration(days=10),
                    WindowStart.PRONOUNCEMENT,
                    f"{CPP} art. 498",
                    rolled_by=_CRIMINAL_ROLLING,
                    by="the parties",
                ),
                RecourseRoute(
                    Duration(days=20),
                    WindowStart.PRONOUNCEMENT,
                    f"{CPP} art. 505",
                    rolled_by=_CRIMINAL_ROLLING,
                    by="the procureur général",
                ),
            )
        ),
        Recourse.CASSATION: RecourseWindow(
            (
                RecourseRoute(
                    Duration(days=5),
                    WindowStart.PRONOUNCEMENT,
                    f"{CPP} art. 568",
                    counting=Counting.CLEAR_DAYS,
                    rolled_by=_CRIMINAL_ROLLING,
                ),
            )
        ),
    },
    CourtKind.ADMINISTRATIVE: {
        Recourse.APPEAL: _administrative("R811-2"),
        Recourse.CASSATION: _administrative("R821-1"),
    },
}
