"""``tally status`` as a whole process, the way a shell prompt or a tmux status line runs
it every few seconds, against bare interpreter start-up (``python -c pass``) in the same
run: it must cost at most 3× that (the quick path in ``cli/quick_status.py``)."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from . import history
from .core import Measurement, group, medians_ms, run, tally

MAX_RATIO = 3.0


@group("status")
def status(runs: int) -> list[Measurement]:
    """With a timer running, as text and as JSON."""
    empty = history.empty()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tally.db"
        shutil.copyfile(empty.path, path)  # the cached file stays as it was
        project = run(tally("--db", str(path), "project", "list", "--json"), empty.env)
        name = _first_project(project) or _add_project(path, empty.env)
        run(tally("--db", str(path), "start", name), empty.env)
        bare = ([sys.executable, "-c", "pass"], {})
        text, json_, baseline = medians_ms(
            [
                (tally("--db", str(path), "status"), empty.env),
                (tally("--db", str(path), "status", "--json"), empty.env),
                bare,
            ],
            runs,
        )
    return [
        Measurement("tally status", text, baseline, max_ratio=MAX_RATIO),
        Measurement("tally status --json", json_, baseline, max_ratio=MAX_RATIO),
    ]


def _first_project(listing: str) -> str | None:
    import json

    projects = json.loads(listing)
    return projects[0]["name"] if projects else None


def _add_project(path: Path, env: dict[str, str]) -> str:
    run(tally("--db", str(path), "client", "add", "Bench client"), env)
    run(tally("--db", str(path), "project", "add", "Bench", "--client", "Bench client"), env)
    return "Bench"
