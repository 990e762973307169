"""`python -m charte` runs the command line."""

from charte.entrypoints.cli.launch import run

run()
