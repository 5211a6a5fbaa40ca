"""solidtime's time entry export (Time → Export → CSV).

Columns: Description, Task, Project, Client, User, Start, End, Duration,
Duration (decimal), Billable (only when billable rates are shown), Tags. Start and End are
``YYYY-MM-DD HH:MM:SS`` in the exporting user's time zone, read as the organisation's.
"""

from __future__ import annotations

from datetime import date

from .records import Row
from .tabular import Cells, TableReader, people
from .values import parse_clock, parse_day, parse_duration, parse_flag

SIGNATURE = ("project", "start", "end")


def parse_moment(text: str) -> tuple[date, tuple[int, int, int]]:
    day, sep, clock = text.strip().replace("T", " ").partition(" ")
    if not sep:
        raise ValueError(f"{text!r} is not a date and time (YYYY-MM-DD HH:MM:SS)")
    return parse_day(day), parse_clock(clock)


class SolidtimeReader(TableReader):
    name = "solidtime"
    title = "a solidtime export"

    def prepare(self) -> None:
        h = self.header
        self.project, self.start, self.end = h.need(self.title, *SIGNATURE)
        self.client = h.find("client")
        self.description = h.find("description")
        self.task = h.find("task")
        self.user = h.find("user")
        self.billable = h.find("billable")
        self.duration = h.find("duration", "duration (decimal)")
        self.columns = {
            "start": self.start + 1,
            "project": self.project + 1,
            "client": (self.project if self.client is None else self.client) + 1,
            "user": (self.start if self.user is None else self.user) + 1,
        }

    def row(self, cells: Cells) -> Row | None:
        start = cells.parse(self.start, parse_moment)
        end = cells.parse(self.end, parse_moment)
        seconds = cells.parse(self.duration, parse_duration) if cells.text(self.duration) else None
        billable = cells.parse(self.billable, parse_flag)
        project = cells.text(self.project)
        if not project:
            cells.fail(self.project, "empty; every entry needs a project")
        if cells.problems:
            return None
        return self.timed_row(
            cells,
            (*start, self.start),
            (*end, self.end),
            seconds,
            project,
            billable,
            people(cells.text(self.user)),
        )
