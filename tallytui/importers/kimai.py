"""Kimai's timesheet export (Times → Export → CSV or Excel), in its English labels.

Columns: Date, From, To, Duration, Currency, Price, Internal price, Hourly price,
Fixed price, Name, User, E-mail, Account, Customer, Project, Activity, Description,
Billable (1, or empty for no), Exported, Tags, Type, Category, Project number, VAT-ID,
Order number (and any meta fields); Kimai 1 wrote Begin and End for From and To. Date is
``YYYY-MM-DD`` and From/To ``HH:MM`` in the user's time zone, read as the organisation's;
a To earlier than From is on the next day. Duration is decimal hours or ``h:mm``. Tally
has no activities: the activity goes in front of the description. The XLSX file is read
with ``openpyxl``, whose cells may also be real dates, times and durations.
"""

from __future__ import annotations

import os
from datetime import timedelta

from .records import Row
from .solidtime import parse_moment
from .tabular import Cells, TableReader, people
from .values import ISO, parse_clock, parse_day, parse_duration, parse_flag
from .xlsxfile import XlsxFile, is_xlsx

SIGNATURE = ("date", ("from", "begin"), ("to", "end"), "project")


def _reading(text: str, day):
    """(day, clock) of a From/To cell: a time on ``day``, or a date and time."""
    if "-" in text:
        return parse_moment(text)
    return day, parse_clock(text)


class KimaiReader(TableReader):
    name = "kimai"
    title = "a Kimai timesheet export"

    def open_table(self, path: str | os.PathLike):
        return XlsxFile(path) if is_xlsx(path) else super().open_table(path)

    def prepare(self) -> None:
        h = self.header
        self.day, self.start, self.end, self.project = h.need(self.title, *SIGNATURE)
        self.duration = h.find("duration")
        self.client = h.find("customer")
        self.task = h.find("activity")  # what other tools call the task
        self.description = h.find("description")
        self.billable = h.find("billable")
        self.user = h.find("user", "username")
        self.alias = h.find("name", "alias")
        self.email = h.find("e-mail", "email")
        self.dates = self.options.date_format or ISO
        self.columns = {
            "date": self.day + 1,
            "start": self.start + 1,
            "project": self.project + 1,
            "client": (self.project if self.client is None else self.client) + 1,
            "user": (self.day if self.user is None else self.user) + 1,
        }

    def row(self, cells: Cells) -> Row | None:
        if not any(cells.text(i) for i in (self.day, self.start, self.end, self.project)):
            return None  # a totals row under the entries
        day = cells.parse(self.day, parse_day, self.dates)
        start = cells.parse(self.start, _reading, day)
        end = cells.parse(self.end, _reading, day)
        seconds = cells.parse(self.duration, parse_duration) if cells.text(self.duration) else None
        billable = None
        if self.billable is not None:  # Kimai writes true as 1 and false as nothing
            billable = bool(cells.parse(self.billable, parse_flag))
        project = cells.text(self.project)
        if not project:
            cells.fail(self.project, "empty; every entry needs a project")
        if cells.problems:
            return None
        if end[0] == start[0] and end[1] < start[1]:
            end = (end[0] + timedelta(days=1), end[1])
        return self.timed_row(
            cells,
            (*start, self.start),
            (*end, self.end),
            seconds,
            project,
            billable,
            people(cells.text(self.user), cells.text(self.alias), cells.text(self.email)),
        )
