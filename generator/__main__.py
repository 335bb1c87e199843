"""`python -m generator` is the same as the `atlas` command."""

from generator.cli import program

program()
