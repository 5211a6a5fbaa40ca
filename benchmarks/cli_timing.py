"""Wall times of real ``tally`` commands: start-up, and listings on a large vs an empty history.

A listing that touches one week, or every project, should cost about the same whether the
database holds five years or nothing: the ratio to the empty database says whether it does.
"""

from __future__ import annotations

import sys

from . import history
from .core import Measurement, group, medians_ms, tally

MAX_RATIO = 1.5
MAX_HELP_MS = 300


def _ratio(name: str, args: list[str], runs: int) -> Measurement:
    """``tally --db PATH ARGS`` on the large history against the same on the empty one."""
    large, empty = history.large(), history.empty()
    measured, baseline = medians_ms(
        [
            (tally("--db", str(large.path), *args), large.env),
            (tally("--db", str(empty.path), *args), empty.env),
        ],
        runs,
    )
    return Measurement(name, measured, baseline, max_ratio=MAX_RATIO)


@group("startup")
def startup(runs: int) -> list[Measurement]:
    """``tally --help`` must feel instant; bare interpreter start-up shows the floor."""
    measured, baseline = medians_ms(
        [(tally("--help"), {}), ([sys.executable, "-c", "pass"], {})], runs
    )
    return [Measurement("tally --help", measured, baseline, max_ms=MAX_HELP_MS)]


@group("entry-list")
def entry_list(runs: int) -> list[Measurement]:
    """The weekly review: one week's entries out of five years."""
    first, last = history.LAST_FULL_WEEK
    args = ["entry", "list", "--from", first.isoformat(), "--to", last.isoformat()]
    return [_ratio(f"entry list {first}..{last}", args, runs)]


@group("project-list")
def project_list(runs: int) -> list[Measurement]:
    """Every project with its rate in force today, as JSON."""
    return [_ratio("project list --json", ["project", "list", "--json"], runs)]


@group("timesheet-status")
def timesheet_status(runs: int) -> list[Measurement]:
    """Every person's open, locked and approved hours: unbilled time out of five years."""
    return [_ratio("timesheet status", ["timesheet", "status"], runs)]
