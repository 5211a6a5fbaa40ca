"""Harvest's detailed time report (Reports → Detailed time → Export → CSV).

Columns: Date, Client, Project, Project Code, Task, Notes, Hours, Hours Rounded,
Billable?, Invoiced?, Approved?, First Name, Last Name, Roles, Employee?, Billable Rate,
Billable Amount, Cost Rate, Cost Amount, Currency, External Reference URL.

Harvest keeps hours per day, not start and end times. Each person's entries of a day are
laid end to end from 09:00 in the organisation's time zone, in file order; the raw
``Hours`` (not ``Hours Rounded``) are the length.
"""

from __future__ import annotations

from datetime import date

from .records import Row
from .tabular import Cells, TableReader, describe, people
from .values import instants, parse_day, parse_duration, parse_flag

SIGNATURE = ("date", "client", "project", "hours")
DAY_STARTS = (9, 0, 0)


class HarvestReader(TableReader):
    name = "harvest"
    title = "a Harvest report"

    def prepare(self) -> None:
        h = self.header
        self.day, self.client, self.project, self.hours = h.need(self.title, *SIGNATURE)
        self.notes = h.find("notes")
        self.task = h.find("task")
        self.billable = h.find("billable?", "billable")
        self.first = h.find("first name")
        self.last = h.find("last name")
        self.dates = self.date_format(self.day)
        self.columns = {
            "date": self.day + 1,
            "start": self.hours + 1,
            "project": self.project + 1,
            "client": self.client + 1,
            "user": (self.day if self.first is None else self.first) + 1,
        }
        self.next_start: dict[tuple[str, str, date], int] = {}

    def row(self, cells: Cells) -> Row | None:
        day = cells.parse(self.day, parse_day, self.dates)
        seconds = cells.parse(self.hours, parse_duration)
        billable = cells.parse(self.billable, parse_flag)
        project = cells.text(self.project)
        if not project:
            cells.fail(self.project, "empty; every entry needs a project")
        if cells.problems:
            return None
        first, last = cells.text(self.first), cells.text(self.last)
        key = (first, last, day)
        start = self.next_start.get(key)
        if start is None:
            start = instants(day, DAY_STARTS, self.options.timezone)[0]
        self.next_start[key] = start + seconds
        return Row(
            line=cells.line,
            start_utc=start,
            end_utc=start + seconds,
            project=project,
            client=cells.text(self.client),
            description=describe(cells.text(self.task), cells.text(self.notes)),
            billable=billable,
            user=people(f"{first} {last}".strip(), first),
            columns=self.columns,
        )
