"""Exporting all 150,000 entries of the five-year history, to CSV and to JSON, each as a
whole ``tally`` process; the baseline is importing as many rows, measured in the same run
with the import benchmark's own method. Exports stream, so the child's peak memory (its
max RSS, from ``wait4``) must stay flat however long the history: it is printed beside the
figures, with that of ``tally entry list --json`` over the history's last year.
"""

from __future__ import annotations

import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from . import history, importing
from .core import _AMBIENT, Measurement, group, tally

ROWS = history.CONSULTANCY.sessions
MAX_RATIO = 2
MAX_RSS_MB = 60
LIST_YEAR = ("2025-11-21", "2026-11-20")


# Started from this (large) process, a child's max RSS would count the memory it had
# before exec; a small interpreter forks and runs the command instead, and reports it.
_PEAK_OF = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(f"maxrss={usage.ru_maxrss}", file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _child(argv: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall milliseconds, peak resident MB) of one run of ``argv`` in a fresh process."""
    full_env = {k: v for k, v in os.environ.items() if k not in _AMBIENT} | env
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-S", "-c", _PEAK_OF, *argv],
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    elapsed = (time.perf_counter() - started) * 1000
    errors = done.stderr.decode()
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {errors}")
    peak_kb = int(errors.rsplit("maxrss=", 1)[1])
    return elapsed, peak_kb / 1024  # Linux reports kilobytes


def _import_setup(folder: Path) -> tuple[Path, Path]:
    """(template database, CSV of ROWS generic rows), as benchmarks/importing.py makes them."""
    source = folder / "entries.csv"
    importing._write_csv(source, importing._plan(ROWS))
    return importing._template(folder), source


@group("export")
def export(runs: int) -> list[Measurement]:
    """All 150,000 entries to CSV and JSON against importing as many rows; peak memory."""
    large = history.large()
    with tempfile.TemporaryDirectory(prefix="tally-export-bench-") as name:
        folder = Path(name)
        template, source = _import_setup(folder)
        base = tally("--db", str(large.path))
        commands = {
            "csv": [*base, "export", "entries", "-o", str(folder / "out.csv")],
            "json": [*base, "export", "entries", "--format", "json", "-o", str(folder / "o.json")],
            "list": [*base, "entry", "list", "--from", LIST_YEAR[0], "--to", LIST_YEAR[1]],
        }
        commands["list"].append("--json")
        figures: dict[str, list[tuple[float, float]]] = {kind: [] for kind in commands}
        imports = []
        # An import, then each command, round after round, so that a change in the load
        # of the machine shifts the figures and their baseline alike; the first round
        # warms the file cache and is not counted.
        for round_ in range(runs + 1):
            imported = importing._import(template, folder, source, rows=ROWS)
            for kind, argv in commands.items():
                measured = _child(argv, large.env)
                if round_:
                    figures[kind].append(measured)
            if round_:
                imports.append(imported)
        baseline = statistics.median(imports)
        with open(folder / "out.csv", encoding="utf-8", newline="") as handle:
            written = sum(1 for _ in csv.reader(handle)) - 1
    if written != ROWS:
        raise RuntimeError(f"the export wrote {written} rows, not {ROWS}")
    measurements = []
    for kind, label in (("csv", "CSV"), ("json", "JSON")):
        wall = statistics.median(ms for ms, _ in figures[kind])
        measurements.append(
            Measurement(
                f"export {ROWS:,} entries to {label} (baseline: import {ROWS:,} rows)",
                wall,
                baseline,
                max_ratio=MAX_RATIO,
            )
        )
    for kind, label in (
        ("csv", "export entries (CSV)"),
        ("json", "export entries (JSON)"),
        ("list", f"entry list --json {LIST_YEAR[0]}..{LIST_YEAR[1]}"),
    ):
        peak = statistics.median(mb for _, mb in figures[kind])
        verdict = "within" if peak <= MAX_RSS_MB else "OVER"
        print(f"  {label}: peak memory {peak:.1f} MB ({verdict} target <= {MAX_RSS_MB} MB)")
    print(f"  same-run import of {ROWS:,} generic rows: {baseline:.0f} ms")
    return measurements
