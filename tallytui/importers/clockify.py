"""Clockify's detailed report (Reports → Detailed → Export → CSV).

Columns: Project, Client, Description, Task, User, Group, Email, Tags, Billable,
Start Date, Start Time, End Date, End Time, Duration (h), Duration (decimal),
Billable Rate, Billable Amount. Dates follow the workspace's date format (MM/DD/YYYY,
DD/MM/YYYY, DD.MM.YYYY, YYYY-MM-DD …) and times its 12- or 24-hour setting.
"""

from __future__ import annotations

from .dated import DatedReader

SIGNATURE = ("project", "start date", "start time", "end date", "end time")


class ClockifyReader(DatedReader):
    name = "clockify"
    title = "a Clockify detailed report"
    duration_columns = ("duration (h)",)
