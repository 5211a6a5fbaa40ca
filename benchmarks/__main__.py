"""``python -m benchmarks [GROUP ...]``: run the registered groups (all by default) and print
one table of medians, baselines, ratios and targets. Missing a target never fails the run."""

from __future__ import annotations

import argparse
import os
import sys

from . import (  # noqa: F401  (importing a module registers its groups)
    capture,
    cli_timing,
    einvoice,
    export,
    importing,
    invoicing,
    live,
    mail,
    pdf,
    report,
    status,
    team,
    tui_paint,
)
from .core import GROUPS, table


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "groups",
        nargs="*",
        metavar="GROUP",
        help=f"groups to run (default: all): {', '.join(GROUPS)}",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=7,
        help="timed runs per command; the median is reported (default: 7)",
    )
    parser.add_argument("--list", action="store_true", help="list the groups and exit")
    args = parser.parse_args(argv)
    unknown = [name for name in args.groups if name not in GROUPS]
    if unknown:
        parser.error(f"unknown group {', '.join(unknown)} (known: {', '.join(GROUPS)})")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    if args.list:
        for name, func in GROUPS.items():
            print(f"{name:16} {(func.__doc__ or '').strip().splitlines()[0]}")
        return 0
    load, cpus = os.getloadavg()[0], os.cpu_count()
    print(f"load average {load:.2f} on {cpus} CPUs (wall times are noisy on a busy machine)")
    measurements = []
    for name in args.groups or list(GROUPS):
        print(f"running {name} ({args.runs} runs per command) ...", flush=True)
        measurements.extend(GROUPS[name](args.runs))
    print()
    print(table(measurements))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
