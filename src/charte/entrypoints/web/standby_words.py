"""The English of what the console's heavy pages say of the standby they read from (merged into
``console_words.EN``; docs/deploy.md, reads off the primary)."""

from __future__ import annotations

STANDBY_EN = {
    "Lu sur la base de lecture, qui n'est pas une base de secours : à jour.": (
        "Read from the read database, which is not a standby: up to date."
    ),
    "Lu sur la base de secours ; son retard sur la base principale n'est pas connu.": (
        "Read from the standby; how far it is behind the primary is not known."
    ),
    "Lu sur la base de secours, à jour.": "Read from the standby, up to date.",
    "Lu sur la base de secours : ces données ont jusqu'à {s} s de retard.": (
        "Read from the standby: these data may be up to {s} s behind."
    ),
}
