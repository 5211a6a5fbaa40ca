"""Readers of other tools' exports: Clockify, Toggl Track, Harvest, solidtime, Kimai,
Timewarrior, Watson and tallytui's own generic CSV.

Readers are pure: they turn a file into ``Row``s (UTC instants, names as the file gives
them) and ``Problem``s (line, column, message) in bounded memory, and never touch the
database. Resolving names, duplicates, locks and overlaps is the import service's job.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Protocol

from .records import FileProblem, Problem, ReadOptions, Row

FORMATS = (
    "clockify",
    "toggl",
    "harvest",
    "solidtime",
    "kimai",
    "timewarrior",
    "watson",
    "generic",
)

__all__ = ["FORMATS", "FileProblem", "Problem", "ReadOptions", "Reader", "Row", "open_reader"]


class Reader(Protocol):
    name: str
    size: int
    position: int

    def __iter__(self) -> Iterator[Row | Problem]: ...

    def close(self) -> None: ...


def open_reader(path: str | os.PathLike, fmt: str, options: ReadOptions) -> Reader:
    """A reader of ``path`` in ``fmt`` ("auto": recognised from the header)."""
    from .detect import detect, reader_class

    if fmt != "auto" and fmt not in FORMATS:
        raise FileProblem(1, 1, f"unknown format {fmt!r} (known: auto, {', '.join(FORMATS)})")
    return reader_class(detect(path) if fmt == "auto" else fmt)(path, options)
