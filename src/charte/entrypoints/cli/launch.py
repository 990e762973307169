"""The `charte` command's entry point: `charte --version` is answered before the application is
imported (a second of imports for a version string would slow every script that checks it)."""

from __future__ import annotations

import sys


def run() -> None:
    """Console-script entry point (and `python -m charte`)."""
    if sys.argv[1:] == ["--version"]:
        from charte import __version__

        print(__version__)
        raise SystemExit(0)
    from charte.entrypoints.cli.app import main

    if sys.argv[1:2] != ["serve"]:
        from charte.entrypoints.cli.collector import for_bulk_work

        for_bulk_work()
    sys.exit(main())
