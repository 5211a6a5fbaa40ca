"""Toggl Track's detailed report (Reports → Detailed → Export → CSV).

Columns: User, Email, Client, Project, Task, Description, Billable, Start date,
Start time, End date, End time, Duration (hh:mm:ss), Tags, Amount (currency).
"""

from __future__ import annotations

from .dated import DatedReader

SIGNATURE = ("project", "start date", "start time", "end date", "end time", "duration")


class TogglReader(DatedReader):
    name = "toggl"
    title = "a Toggl Track detailed report"
    duration_columns = ("duration",)
