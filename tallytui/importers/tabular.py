"""What the CSV formats share: finding columns by name, reading a row's cells with one
problem per bad cell, and settling a file's date order before its rows are read."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from typing import TypeVar

from .csvfile import CsvFile
from .records import FileProblem, Problem, ReadOptions, Row
from .values import DATE_FORMATS, ISO, classify_day, instants, parse_utc, pick_span

T = TypeVar("T")


def normal(name: str) -> str:
    return name.strip().casefold()


class Header:
    """Column names of a file, looked up case-insensitively."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.index: dict[str, int] = {}
        for i, name in enumerate(names):
            self.index.setdefault(normal(name), i)

    def find(self, *names: str) -> int | None:
        """The first of ``names`` the file has."""
        return next((self.index[n] for n in names if n in self.index), None)

    def need(self, what: str, *names: str | tuple[str, ...]) -> list[int]:
        """The columns of ``names`` (a tuple: any one of its names), or a FileProblem
        naming the ones the header lacks."""
        missing = missing_columns(self.index, names)
        if missing:
            raise FileProblem(
                1, 1, f"{what} needs the column(s) {', '.join(missing)}; the header lacks them"
            )
        return [self.find(*alternatives(n)) for n in names]


def alternatives(name: str | tuple[str, ...]) -> tuple[str, ...]:
    return (name,) if isinstance(name, str) else name


def missing_columns(names, required) -> list[str]:
    """The required columns (each a name, or a tuple of names any one of which will do)
    that ``names`` lacks."""
    found = []
    for need in required:
        choices = alternatives(need)
        if not any(c in names for c in choices):
            found.append(" or ".join(choices))
    return found


class Cells:
    """One record's cells; parse failures become problems at their column."""

    __slots__ = ("fields", "header", "line", "problems")

    def __init__(self, header: Header, line: int, fields: list[str]) -> None:
        self.header = header
        self.line = line
        self.fields = fields
        self.problems: list[Problem] = []

    def text(self, index: int | None) -> str:
        return "" if index is None else self.fields[index].strip()

    def parse(self, index: int | None, parser: Callable[..., T], *args) -> T | None:
        """``parser(cell, *args)``, or None (and a problem) if the cell does not parse."""
        try:
            return parser(self.text(index), *args)
        except ValueError as exc:
            self.fail(index, str(exc))
            return None

    def fail(self, index: int | None, message: str) -> None:
        if index is None:
            self.problems.append(Problem(self.line, 1, message))
        else:
            name = self.header.names[index]
            self.problems.append(Problem(self.line, index + 1, f"{name}: {message}"))


class TableReader:
    """A CSV export read row by row; each format says which columns it needs and how one
    record becomes a ``Row``."""

    name = ""
    title = ""

    def __init__(self, path: str | os.PathLike, options: ReadOptions) -> None:
        self.options = options
        self.file = self.open_table(path)
        try:
            self.header = Header(self.file.header)
            self.prepare()
        except BaseException:
            self.file.close()
            raise

    def open_table(self, path: str | os.PathLike):
        """The file as header and records (a ``CsvFile``; formats that also come as
        spreadsheets choose here)."""
        return CsvFile(path)

    def prepare(self) -> None:
        """Find the columns (and settle the date order); raise FileProblem if unusable."""

    def row(self, cells: Cells) -> Row | None:
        raise NotImplementedError

    def timed_row(
        self, cells: Cells, start: tuple, end: tuple, seconds, project: str, billable, user
    ) -> Row | None:
        """The entry of a row whose start and end are local wall-clock times; for readers
        with client, task and description columns."""
        span = wall_span(cells, self.options.timezone, start, end, seconds)
        if span is None:
            return None
        return Row(
            line=cells.line,
            start_utc=span[0],
            end_utc=span[1],
            project=project,
            client=cells.text(self.client),
            description=describe(cells.text(self.task), cells.text(self.description)),
            billable=billable,
            user=user,
            columns=self.columns,
        )

    @property
    def position(self) -> int:
        return self.file.position

    @property
    def size(self) -> int:
        return self.file.size

    def close(self) -> None:
        self.file.close()

    def __iter__(self) -> Iterator[Row | Problem]:
        width = len(self.header.names)
        for item in self.file.records():
            if isinstance(item, Problem):
                yield item
                continue
            line, fields = item
            if len(fields) != width:
                yield Problem(
                    line,
                    min(len(fields), width) + 1,
                    f"the row has {len(fields)} fields, the header {width}",
                )
                continue
            cells = Cells(self.header, line, fields)
            row = self.row(cells)
            if cells.problems:
                yield from cells.problems
            elif row is not None:
                yield row

    def date_format(self, *columns: int | None) -> str:
        """The order of the dates in ``columns``: as the user said, or proven by the file.

        A file whose every date fits both MM/DD and DD/MM (no day above 12) is refused: a
        guess would silently put time on the wrong days.
        """
        if self.options.date_format:
            return self.options.date_format
        unsure = None
        indexes = [c for c in columns if c is not None]
        with CsvFile(self.file.path) as scan:
            for item in scan.records():
                if isinstance(item, Problem):
                    continue
                line, fields = item
                for index in indexes:
                    kind = classify_day(fields[index]) if index < len(fields) else None
                    if kind:
                        return kind
                    if kind == "" and unsure is None:
                        unsure = (line, index + 1, fields[index].strip())
        if unsure is None:
            return ISO
        line, column, text = unsure
        sep = next(c for c in text if not c.isdigit())
        choices = [f for f, (order, s) in DATE_FORMATS.items() if s == sep and order != "ymd"]
        raise FileProblem(
            line,
            column,
            f"the dates can be read as {' or '.join(choices)} (e.g. {text}, and no day in the "
            f"file is above 12); give --date-format",
        )


Reading = tuple[date, tuple[int, int, int], int | None]  # day, clock, its column


def wall_span(
    cells: Cells,
    tz: str,
    start: Reading,
    end: Reading | None,
    seconds: int | None,
    utc_columns: tuple[int | None, int | None] = (None, None),
) -> tuple[int, int] | None:
    """UTC (start, end) of wall-clock readings in ``tz``; start equals end for an entry of
    no length, which the import skips and counts.

    Without an end, the entry lasts ``seconds``. A reading in the repeated hour of a DST
    change means the instant in the row's UTC column for it (``utc_columns``), else the
    one that makes the entry as long as ``seconds`` says, else its first occurrence.
    """
    day, clock, start_column = start
    try:
        starts = _settle(cells, instants(day, clock, tz), utc_columns[0])
    except ValueError as exc:
        cells.fail(start_column, str(exc))
        return None
    if end is None:
        if seconds is None:
            cells.fail(start_column, "the row has neither an end nor a duration")
            return None
        first, last = starts[0], starts[0] + seconds
        end_column = start_column
    else:
        end_day, end_clock, end_column = end
        try:
            ends = _settle(cells, instants(end_day, end_clock, tz), utc_columns[1])
        except ValueError as exc:
            cells.fail(end_column, str(exc))
            return None
        first, last = pick_span(starts, ends, seconds)
    if last < first:
        cells.fail(end_column, "the entry ends before it starts")
        return None
    return first, last


def _settle(cells: Cells, found: tuple[int, ...], column: int | None) -> tuple[int, ...]:
    """Of two possible instants, the one the UTC cell in ``column`` names."""
    if len(found) < 2 or not cells.text(column):
        return found
    moment = cells.parse(column, parse_utc)
    return (moment,) if moment in found else found


def describe(task: str, description: str) -> str:
    """Tally has no tasks: a task name goes in front of the description."""
    if task and description:
        return f"{task}: {description}"
    return task or description


def people(*names: str) -> tuple[str, ...]:
    """Names to match a person by, without blanks or repeats; an e-mail address also
    offers its local part (``anna@acme.example`` → ``anna``)."""
    found: list[str] = []
    for name in names:
        for candidate in (name, name.partition("@")[0] if "@" in name else ""):
            if candidate and candidate not in found:
                found.append(candidate)
    return tuple(found)
