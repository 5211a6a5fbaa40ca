"""Reports: ``tally report --by month`` over the five-year history against the same command
on the empty organisation, and the Reports area's first paint with its charts' data on the
five-year history against the review's first paint with its week (both areas opened first,
in a fresh process that runs the real ``tally``; see tui_paint.py for how a paint is timed).
"""

from __future__ import annotations

import sys

from . import history
from .core import Measurement, group, medians_ms, tally
from .tui_paint import _HEADLESS, _TALLY_MAIN, _TALLY_WEEK, _copies, _until_painted_ms

MAX_RATIO = 1.5

_REPORTS_SHOWN = (
    _HEADLESS
    + """
from tallytui.ui.app import TallyApp

TallyApp.DEFAULT_MODE = "reports"

def ready(app):
    screen = app.screen
    return type(screen).__name__ == "ReportsScreen" and screen.data is not None
"""
    + _TALLY_MAIN
)


@group("report")
def report(runs: int) -> list[Measurement]:
    """tally report --by month and the Reports area's first paint on the five-year history."""
    with _copies() as (empty, large):
        command = ("report", "--by", "month")
        on_empty, on_large = medians_ms(
            [
                (tally("--db", str(empty), *command), history.empty().env),
                (tally("--db", str(large), *command), history.large().env),
            ],
            runs,
        )
        env = history.large().env
        review, reports = medians_ms(
            [
                ([sys.executable, "-c", _TALLY_WEEK, "--db", str(large)], env),
                ([sys.executable, "-c", _REPORTS_SHOWN, "--db", str(large)], env),
            ],
            runs,
            _until_painted_ms,
        )
    return [
        Measurement("tally report --by month: empty organisation", on_empty),
        Measurement(
            "tally report --by month: five-year history (vs empty)",
            on_large,
            on_empty,
            max_ratio=MAX_RATIO,
        ),
        Measurement("review shown: five-year history", review),
        Measurement(
            "reports shown: five-year history (vs the review)",
            reports,
            review,
            max_ratio=MAX_RATIO,
        ),
    ]
