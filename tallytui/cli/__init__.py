"""The ``tally`` console script. ``tally`` alone, with at most the global ``--db`` and
``--user``, opens the terminal interface without loading click, about 10 ms of every
start; ``tally status`` reads the running timer with sqlite3 alone (``quick_status``);
anything else (a command, help, a usage error) goes to the click group in ``root``.

Shell completion (``_TALLY_COMPLETE`` set) always goes to click, whose hook answers it."""

from __future__ import annotations

import os
import sys


def main() -> None:
    if "_TALLY_COMPLETE" not in os.environ and _quick(sys.argv[1:]):
        return
    from .root import cli

    sys.exit(cli.main(prog_name="tally", standalone_mode=True))


def _quick(argv: list[str]) -> bool:
    """Answer without click where that is sure to give the same result; False if not."""
    if argv[-1:] in (["status"], ["--json"]):
        from .quick_status import answer

        printed = answer(argv, os.environ)
        if printed is not None:
            print(printed)
        return printed is not None
    from .tui import open_tui, tui_settings

    settings = tui_settings(argv, os.environ)
    if settings is not None:
        open_tui(settings)
    return settings is not None
