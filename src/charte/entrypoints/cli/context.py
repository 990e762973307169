"""How a command gets the wired application: built per invocation, from the environment."""

from __future__ import annotations

import dataclasses

from charte.bootstrap import Container, bootstrap
from charte.config import Settings


def container(*, production: bool = False) -> Container:
    """Built on demand, not at import: tests and `charte serve` set the environment first;
    ``production`` as if CHARTE_ENV were (`charte serve --production`)."""
    settings = Settings.from_env()
    if production:
        settings = dataclasses.replace(settings, environment="production")
    return bootstrap(settings)
