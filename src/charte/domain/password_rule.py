"""How strong a console password must be: the CNIL's recommendation for a password alone.

CNIL, délibération n° 2022-100 du 21 juillet 2022 (recommandation relative aux mots de passe),
case n° 1 — a password is the only factor — asks for about 80 bits of entropy and gives three
examples that reach it: at least 12 characters mixing upper case, lower case, digits and special
characters; at least 14 characters mixing upper case, lower case and digits; or a passphrase of
at least 7 words. charte accepts any of the three. Logins are also slowed after failures (case
n° 2's measure), which the services add.
"""

from __future__ import annotations

import re

MAX_LENGTH = 1024  # argon2 takes any length; a bound keeps a login from being a hashing DoS
_WORD = re.compile(r"[^\W\d_]{2,}")  # words of two letters or more, in any alphabet


def weakness(password: str) -> str | None:
    """Why the password is refused, or None. Says which rule failed, never echoes the password."""
    if len(password) > MAX_LENGTH:
        return f"a password has at most {MAX_LENGTH} characters"
    upper = any(c.isupper() for c in password)
    lower = any(c.islower() for c in password)
    digit = any(c.isdigit() for c in password)
    special = any(not c.isalnum() and not c.isspace() for c in password)
    if len(password) >= 12 and upper and lower and digit and special:
        return None
    if len(password) >= 14 and upper and lower and digit:
        return None
    if len(_WORD.findall(password)) >= 7:
        return None
    return (
        "the password is too weak (CNIL recommendation 2022-100): use at least 12 characters with upper "
        "and lower case letters, digits and special characters; or at least 14 with upper and lower "
        "case letters and digits; or a passphrase of at least 7 words"
    )
