"""`python -m charte` runs the command line."""

from charte.entrypoints.cli.app import run

run()
