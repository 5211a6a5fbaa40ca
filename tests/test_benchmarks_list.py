"""`make bench` must at least start: every benchmark module imports and registers its
groups (a module reading a name another module no longer has breaks the whole run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_benchmark_group_is_listed():
    listed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for group in ("import", "export", "invoice-create", "pdf", "report", "status", "team"):
        assert group in listed.split(), listed
