"""What every reader hands back: rows with UTC instants, or problems with a position."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..domain.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in the file; ``line`` counts the header as 1, ``column`` from 1."""

    line: int
    column: int
    message: str


class FileProblem(InvalidInput):
    """A problem that stops reading the file at all (unknown header, ambiguous dates)."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(line, column, message)


@dataclass(frozen=True, slots=True)
class Row:
    """One entry as the file describes it, its times already in UTC.

    ``user`` lists the names the file gives for the person, most specific first (empty: the
    acting user). ``tags`` are for formats whose project is one of the tags.
    ``columns`` and ``lines`` say where a field sits, so later checks can point at it.
    """

    line: int
    start_utc: int
    end_utc: int
    project: str
    client: str = ""
    description: str = ""
    billable: bool | None = None
    user: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    columns: Mapping[str, int] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """A row of no length (a timer started and stopped at once): it bills nothing, so
        the import skips and counts it instead of refusing the file."""
        return self.end_utc == self.start_utc

    def at(self, name: str) -> tuple[int, int]:
        """(line, column) of the field ``name``: date, start, project, client or user."""
        return self.lines.get(name, self.line), self.columns.get(name, 1)


@dataclass(frozen=True)
class ReadOptions:
    """How to read wall-clock times: the organisation's zone, and the file's date order
    when the user names it (``--date-format``)."""

    timezone: str
    date_format: str | None = None
