"""The generic CSV: tallytui's own columns, which ``tally export entries`` writes and
``tally import --format generic`` reads back without loss.

``date,start,end,end_date,duration,project,client,description,billable,user`` in any
order, case-insensitive; ``date`` is ISO (or ``--date-format``), ``start``/``end`` are
wall-clock times in the organisation's zone, ``end_date`` is the day of ``end`` when it is
not ``date``, ``duration`` (``h:mm[:ss]`` or decimal hours) stands in for an empty
``end``. The export adds ``hours``, ``start_utc``, ``end_utc``, ``source``, ``state``,
``invoice`` and ``id``; on import ``start_utc``/``end_utc`` only settle which of the two
instants a reading in the hour a DST change repeats means; the others are ignored.
"""

from __future__ import annotations

from datetime import datetime

from ..domain.invoicing import hours
from ..domain.localtime import format_utc
from .csvfile import neutralise, restore
from .records import FileProblem, Row
from .tabular import Cells, TableReader, wall_span
from .values import ISO, parse_clock, parse_day, parse_duration, parse_flag, zone

COLUMNS = (
    "date",
    "start",
    "end",
    "end_date",
    "duration",
    "project",
    "client",
    "description",
    "billable",
    "user",
)
EXPORT_COLUMNS = (
    *COLUMNS,
    "hours",
    "start_utc",
    "end_utc",
    "source",
    "state",
    "invoice",
    "id",
)
SIGNATURE = ("date", "start", "project")
REQUIRED = (*SIGNATURE, ("end", "duration"))


class GenericReader(TableReader):
    name = "generic"
    title = "the generic format"

    def prepare(self) -> None:
        h = self.header
        self.day, self.start, self.project = h.need(self.title, *SIGNATURE)
        self.end = h.find("end")
        self.end_day = h.find("end_date")
        self.duration = h.find("duration")
        if self.end is None and self.duration is None:
            raise FileProblem(1, 1, "the generic format needs an end or a duration column")
        self.client = h.find("client")
        self.description = h.find("description")
        self.billable = h.find("billable")
        self.user = h.find("user")
        self.start_utc = h.find("start_utc")
        self.end_utc = h.find("end_utc")
        self.dates = self.options.date_format or ISO
        self.columns = {
            "date": self.day + 1,
            "start": self.start + 1,
            "project": self.project + 1,
            "client": (self.project if self.client is None else self.client) + 1,
            "user": (self.day if self.user is None else self.user) + 1,
        }

    def _optional(self, cells: Cells, index: int | None, parser):
        return cells.parse(index, parser) if cells.text(index) else None

    def row(self, cells: Cells) -> Row | None:
        day = cells.parse(self.day, parse_day, self.dates)
        start = cells.parse(self.start, parse_clock)
        end = self._optional(cells, self.end, parse_clock)
        end_day = (
            cells.parse(self.end_day, parse_day, self.dates) if cells.text(self.end_day) else day
        )
        seconds = self._optional(cells, self.duration, parse_duration)
        billable = cells.parse(self.billable, parse_flag)
        project = restore(cells.text(self.project))
        if not project:
            cells.fail(self.project, "empty; every entry needs a project")
        if not cells.text(self.end) and not cells.text(self.duration):
            cells.fail(
                self.duration if self.end is None else self.end,
                "the row has neither an end nor a duration",
            )
        if cells.problems:
            return None
        if end is not None and not cells.text(self.end_day) and end < start:
            cells.fail(
                self.end,
                f"{cells.text(self.end)} is before the start {cells.text(self.start)}; "
                "an entry across midnight needs end_date",
            )
            return None
        span = wall_span(
            cells,
            self.options.timezone,
            (day, start, self.start),
            None if end is None else (end_day, end, self.end),
            seconds,
            (self.start_utc, self.end_utc),
        )
        if span is None:
            return None
        user = restore(cells.text(self.user))
        return Row(
            line=cells.line,
            start_utc=span[0],
            end_utc=span[1],
            project=project,
            client=restore(cells.text(self.client)),
            description=restore(cells.text(self.description)),
            billable=billable,
            user=(user,) if user else (),
            columns=self.columns,
        )


def _clock(moment: datetime) -> str:
    return moment.time().isoformat("seconds")  # HH:MM:SS; strftime costs several times more


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def export_cells(entry, tz: str) -> list[str]:
    """An ``EntryView`` as cells in EXPORT_COLUMNS order, text cells neutralised."""
    where = zone(tz)
    start = datetime.fromtimestamp(entry.start_utc, where)
    end = datetime.fromtimestamp(entry.end_utc, where)
    # Without end_date an end before the start is refused, so the one entry whose end reads
    # earlier on the same day (in the hour a DST change repeats) names its day too.
    same_day = end.date() == start.date() and end.time() >= start.time()
    return [
        start.date().isoformat(),
        _clock(start),
        _clock(end),
        "" if same_day else end.date().isoformat(),
        _duration(entry.seconds),
        neutralise(entry.project),
        neutralise(entry.client),
        neutralise(entry.description),
        "yes" if entry.billable else "no",
        neutralise(entry.user),
        str(hours(entry.seconds)),
        format_utc(entry.start_utc),
        format_utc(entry.end_utc),
        entry.source,
        entry.state,
        neutralise(entry.invoice or ""),
        str(entry.id),
    ]
