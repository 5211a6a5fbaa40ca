"""Reports with separate start and end date and time columns: Clockify's detailed report
and Toggl Track's detailed report. Both write wall-clock times in the exporting user's
time zone, which is read as the organisation's."""

from __future__ import annotations

from .records import Row
from .tabular import Cells, TableReader, people
from .values import parse_clock, parse_day, parse_duration, parse_flag


class DatedReader(TableReader):
    """Subclasses name the columns; everything else is shared."""

    duration_columns: tuple[str, ...] = ()

    def prepare(self) -> None:
        h = self.header
        self.project, self.start_day, self.start_clock, self.end_day, self.end_clock = h.need(
            self.title, "project", "start date", "start time", "end date", "end time"
        )
        self.client = h.find("client")
        self.description = h.find("description")
        self.task = h.find("task")
        self.user = h.find("user")
        self.email = h.find("email")
        self.billable = h.find("billable")
        self.duration = h.find(*self.duration_columns)
        self.dates = self.date_format(self.start_day, self.end_day)
        self.columns = {
            "date": self.start_day + 1,
            "start": self.start_clock + 1,
            "project": self.project + 1,
            "client": (self.project if self.client is None else self.client) + 1,
            "user": (self.start_day if self.user is None else self.user) + 1,
        }

    def row(self, cells: Cells) -> Row | None:
        start_day = cells.parse(self.start_day, parse_day, self.dates)
        start_clock = cells.parse(self.start_clock, parse_clock)
        end_day = cells.parse(self.end_day, parse_day, self.dates)
        end_clock = cells.parse(self.end_clock, parse_clock)
        seconds = cells.parse(self.duration, parse_duration) if cells.text(self.duration) else None
        billable = cells.parse(self.billable, parse_flag)
        project = cells.text(self.project)
        if not project:
            cells.fail(self.project, "empty; every entry needs a project")
        if cells.problems:
            return None
        return self.timed_row(
            cells,
            (start_day, start_clock, self.start_clock),
            (end_day, end_clock, self.end_clock),
            seconds,
            project,
            billable,
            people(cells.text(self.user), cells.text(self.email)),
        )
