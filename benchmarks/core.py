"""What every benchmark group shares: the registry, timing a real command, the result table.

A group is a function ``(runs) -> list[Measurement]`` registered with :func:`group`; the
runner calls the groups asked for and prints all their measurements in one table. Groups
only measure and report: missing a target is printed, never raised.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

Group = Callable[[int], list["Measurement"]]

GROUPS: dict[str, Group] = {}

# Variables of the developer's shell that would change what the measured command does.
_AMBIENT = ("TALLY_DB", "TALLY_USER", "TALLY_NOW")


def group(name: str) -> Callable[[Group], Group]:
    """Register a benchmark group under ``name`` (what ``python -m benchmarks NAME`` runs)."""

    def register(func: Group) -> Group:
        if name in GROUPS:
            raise ValueError(f"benchmark group {name!r} is registered twice")
        GROUPS[name] = func
        return func

    return register


@dataclass(frozen=True)
class Measurement:
    """One timed figure, optionally against a baseline, with its target.

    A target is either a ratio to the baseline (``max_ratio``) or an absolute wall time
    (``max_ms``).
    """

    name: str
    median_ms: float
    baseline_ms: float | None = None
    max_ratio: float | None = None
    max_ms: float | None = None

    @property
    def ratio(self) -> float | None:
        return None if self.baseline_ms is None else self.median_ms / self.baseline_ms

    @property
    def target(self) -> str:
        if self.max_ratio is not None:
            return f"<= {self.max_ratio:g}x"
        return f"<= {self.max_ms:g} ms" if self.max_ms is not None else "-"

    @property
    def within_target(self) -> bool | None:
        if self.max_ratio is not None:
            return self.ratio <= self.max_ratio
        return None if self.max_ms is None else self.median_ms <= self.max_ms


def tally(*args: str) -> list[str]:
    """The installed console script next to this interpreter, as a user would run it."""
    script = Path(sys.executable).with_name("tally")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "tallytui", *args]


def medians_ms(
    commands: Sequence[tuple[Sequence[str], dict[str, str]]],
    runs: int,
    measure: Callable[[Sequence[str], dict[str, str]], float] | None = None,
) -> list[float]:
    """Median milliseconds of each ``(argv, env)`` command in a fresh process: its wall time,
    or what ``measure(argv, env)`` returns for one run of it.

    The commands run in alternation (A B A B ...), so a drift in machine load (a flush of
    freshly written data, another process) shifts a figure and its baseline alike. An
    unmeasured warm-up round comes first, so a cold file cache or missing bytecode does not
    land in the figures. A failing command stops the benchmark: its time would mean nothing.
    """
    measure = measure or wall_ms
    times: list[list[float]] = [[] for _ in commands]
    for round_ in range(runs + 1):
        for index, (argv, env) in enumerate(commands):
            elapsed = measure(argv, env)
            if round_:
                times[index].append(elapsed)
    return [statistics.median(t) for t in times]


def run(argv: Sequence[str], env: dict[str, str]) -> str:
    """Run one command with ``env`` over a clean environment; its standard output."""
    full_env = {k: v for k, v in os.environ.items() if k not in _AMBIENT} | env
    done = subprocess.run(argv, env=full_env, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()}")
    return done.stdout.decode()


def wall_ms(argv: Sequence[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    run(argv, env)
    return (time.perf_counter() - started) * 1000


def table(measurements: Sequence[Measurement]) -> str:
    """An aligned plain-text table of the measurements."""
    headers = ["benchmark", "median ms", "baseline ms", "ratio", "target", "within target"]
    rows = [_row(m) for m in measurements]
    widths = [max(len(line[i]) for line in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def _row(m: Measurement) -> list[str]:
    verdict = {True: "yes", False: "NO", None: "-"}[m.within_target]
    return [
        m.name,
        f"{m.median_ms:.1f}",
        "-" if m.baseline_ms is None else f"{m.baseline_ms:.1f}",
        "-" if m.ratio is None else f"{m.ratio:.2f}x",
        m.target,
        verdict,
    ]
