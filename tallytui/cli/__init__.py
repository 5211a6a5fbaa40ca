"""The ``tally`` console script. ``tally`` alone, with at most the global ``--db`` and
``--user``, opens the terminal interface without loading click, about 10 ms of every
start; anything else (a command, help, a usage error) goes to the click group in
``root``."""

from __future__ import annotations

import os
import sys


def main() -> None:
    from .tui import open_tui, tui_settings

    settings = tui_settings(sys.argv[1:], os.environ)
    if settings is not None:
        open_tui(settings)
        return
    from .root import cli

    sys.exit(cli.main(prog_name="tally", standalone_mode=True))
