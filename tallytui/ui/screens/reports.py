"""Reports: hours per week stacked by client (or project, or person), the billable share
per person, invoiced revenue per month and the unbilled work by age; each chart has its
numbers one key away, as a table a screen reader reads and a mouse copies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import ContentSwitcher, Label

from ...services import reports
from ...services.reports import BUCKETS, Line, Revenue, Unbilled
from ..widgets.key_footer import KeyFooter
from ..widgets.plain_table import NAME, Column, PlainTable
from ..widgets.status_line import StatusLine
from .base import AreaScreen, connection

CHARTS = ("weekly", "share", "revenue", "unbilled")
TITLES = {
    "weekly": "Hours per week by {by}",
    "share": "Billable share per person",
    "revenue": "Invoiced net revenue per month",
    "unbilled": "Unbilled work by age in days",
}
SPANS = (12, 26, 52)  # weeks a period may cover
STACKED = ("client", "project", "person")
MONTHS = 12
SERIES = 5  # groups stacked by name in the weekly chart; the rest are "other"


@dataclass(frozen=True)
class ReportsData:
    """What the area shows, read in one worker."""

    first: date
    last: date
    by: str
    weekly: tuple[Line, ...]  # key (week, group)
    people: tuple[Line, ...]  # key (person,)
    first_month: date
    revenue: tuple[Revenue, ...] | None  # None: the user may not see invoices
    unbilled: Unbilled

    @property
    def weeks(self) -> list[str]:
        count = (self.last - self.first).days // 7 + 1
        return [(self.first + timedelta(weeks=n)).isoformat() for n in range(count)]

    @property
    def months(self) -> list[str]:
        found, day = [], self.first_month
        for _ in range(MONTHS):
            found.append(f"{day:%Y-%m}")
            day = reports.next_month(day)
        return found


def _hours(seconds: int) -> float:
    return round(seconds / 3600, 2)


def _steady_plotext() -> None:
    """plotext drops repeated points through a ``set``, whose order follows the string
    hashes Python seeds anew in each process: the same data could draw its axes a column
    apart from one run to the next. Its own order-keeping alternative (noted in its
    source) makes every drawing of the same data the same."""
    from plotext import _utility

    _utility.no_duplicates = lambda data: list(dict.fromkeys(data))


class ReportsScreen(AreaScreen):
    BINDINGS = [
        Binding("c", "next_chart", "Next chart", id="reports.chart"),
        Binding("t", "toggle_table", "Table", id="reports.table"),
        Binding("g", "next_grouping", "Group by", id="reports.group"),
        Binding("p", "next_span", "Period", id="reports.span"),
        Binding("left_square_bracket", "shift(-1)", "Earlier", id="reports.earlier"),
        Binding("right_square_bracket", "shift(1)", "Later", id="reports.later"),
    ]

    chart: reactive[str] = reactive("weekly")
    tables: reactive[bool] = reactive(False)
    span: reactive[int] = reactive(SPANS[0])
    by: reactive[str] = reactive(STACKED[0])
    end: date | None = None  # a day of the period's last week; None: this week
    data: ReportsData | None = None

    @dataclass
    class Loaded(Message):
        data: ReportsData

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot

        _steady_plotext()
        yield Label("Reports", id="title")
        yield StatusLine()
        yield Label("", id="reports-heading")
        with ContentSwitcher(initial="weekly-chart", id="reports-body"):
            for name in CHARTS:
                yield PlotextPlot(id=f"{name}-chart")
                yield PlainTable(id=f"{name}-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def load(self) -> None:
        self.read(self.app.session.actor, self.end or self.app.today, self.span, self.by)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reports-load")
    def read(self, actor: str, end: date, span: int, by: str) -> None:
        first, last = reports.weeks_to(end, span)
        first_month = reports.months_to(last, MONTHS)
        with connection():
            data = ReportsData(
                first,
                last,
                by,
                reports.breakdown(actor, first, last, ("week", by)),
                reports.breakdown(actor, first, last, ("person",)),
                first_month,
                reports.revenue(actor, first_month, MONTHS),
                reports.unbilled(actor),
            )
        self.post_message(self.Loaded(data))

    @on(Loaded)
    def show(self, event: Loaded) -> None:
        self.data = event.data
        self.draw()

    def draw(self) -> None:
        data = self.data
        if data is None:
            return
        heading = f"{data.first} – {data.last}"
        if self.chart == "revenue":
            heading = f"{data.months[0]} – {data.months[-1]}"
        elif self.chart == "unbilled":
            heading = f"on {data.unbilled.today}"
        title = TITLES[self.chart].format(by=data.by)
        self.query_one("#reports-heading", Label).update(f"{title} · {heading}")
        shown = f"{self.chart}-{'table' if self.tables else 'chart'}"
        self.query_one(ContentSwitcher).current = shown
        getattr(self, f"_draw_{self.chart}")(data)

    def _plot(self, name: str):
        plot = self.query_one(f"#{name}-chart")
        plt = plot.plt
        plt.clear_figure()
        return plot, plt

    def _table(self, name: str, columns: list, rows: list[list[str]]) -> None:
        table = self.query_one(f"#{name}-table", PlainTable)
        table.clear(columns=True)
        table.add_columns(*columns)
        table.replace_rows((str(n), row) for n, row in enumerate(rows))

    def _draw_weekly(self, data: ReportsData) -> None:
        weeks = data.weeks
        totals: dict[str, int] = {}
        for line in data.weekly:
            totals[line.key[1]] = totals.get(line.key[1], 0) + line.seconds
        named = sorted(totals, key=lambda g: (-totals[g], g))[:SERIES]
        groups = named + (["other"] if len(totals) > len(named) else [])
        series = {g: [0] * len(weeks) for g in groups}
        for line in data.weekly:
            group = line.key[1] if line.key[1] in named else "other"
            series[group][weeks.index(line.key[0])] += line.seconds
        plot, plt = self._plot("weekly")
        labels = [w[5:] for w in weeks]
        if groups:
            plt.stacked_bar(labels, [[_hours(s) for s in series[g]] for g in groups], labels=groups)
        else:
            plt.title("no time recorded in these weeks")
        plt.ylabel("hours")
        plot.refresh()
        self._table(
            "weekly",
            ["Week", Column(data.by.capitalize(), NAME), "Hours", "Billable h"],
            [
                [line.key[0], line.key[1], str(line.hours), str(line.billable_hours)]
                for line in data.weekly
            ],
        )

    def _draw_share(self, data: ReportsData) -> None:
        people: dict[str, list[int]] = {}
        for line in data.people:
            figures = people.setdefault(line.key[0], [0, 0])
            figures[0] += line.seconds
            figures[1] += line.billable_seconds
        names = sorted(people)
        plot, plt = self._plot("share")
        if names:
            plt.stacked_bar(
                names,
                [
                    [_hours(people[n][1]) for n in names],
                    [_hours(people[n][0] - people[n][1]) for n in names],
                ],
                labels=["billable", "not billable"],
            )
        plt.ylabel("hours")
        plot.refresh()
        rows = []
        for name in names:
            seconds, billable = people[name]
            share = f"{round(100 * billable / seconds)} %" if seconds else "–"
            rows.append([name, f"{_hours(seconds):.2f}", f"{_hours(billable):.2f}", share])
        self._table(
            "share", [Column("Person", NAME), "Hours", "Billable h", "Billable share"], rows
        )

    def _draw_revenue(self, data: ReportsData) -> None:
        plot, plt = self._plot("revenue")
        if data.revenue is None:
            plt.title("invoices are for finance and admins to see")
            plot.refresh()
            self._table("revenue", ["Month", "Currency", "Net revenue"], [])
            return
        months = data.months
        currencies = sorted({r.currency for r in data.revenue})
        amounts = {c: [0.0] * len(months) for c in currencies}
        for r in data.revenue:
            amounts[r.currency][months.index(r.month)] = float(r.amount)
        if currencies:
            plt.multiple_bar(
                [m[2:] for m in months], [amounts[c] for c in currencies], labels=currencies
            )
        plot.refresh()
        self._table(
            "revenue",
            ["Month", "Currency", "Net revenue"],
            [[r.month, r.currency, str(r.amount)] for r in data.revenue],
        )

    def _draw_unbilled(self, data: ReportsData) -> None:
        unbilled = data.unbilled
        plot, plt = self._plot("unbilled")
        if unbilled.totals:
            plt.multiple_bar(
                list(BUCKETS),
                [[float(a) for a in total.amounts] for total in unbilled.totals],
                labels=[total.currency for total in unbilled.totals],
            )
        plot.refresh()
        self._table(
            "unbilled",
            [Column("Client", NAME), "Currency", *BUCKETS, "Total", "Hours"],
            [
                [a.client, a.currency, *map(str, a.amounts), str(a.total), str(a.total_hours)]
                for a in (*unbilled.clients, *unbilled.totals)
            ],
        )

    def watch_chart(self) -> None:
        self.draw()

    def watch_tables(self) -> None:
        self.draw()

    def action_next_chart(self) -> None:
        self.chart = CHARTS[(CHARTS.index(self.chart) + 1) % len(CHARTS)]

    def action_toggle_table(self) -> None:
        self.tables = not self.tables

    def action_next_grouping(self) -> None:
        self.by = STACKED[(STACKED.index(self.by) + 1) % len(STACKED)]
        self.load()

    def action_next_span(self) -> None:
        self.span = SPANS[(SPANS.index(self.span) + 1) % len(SPANS)]
        self.load()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Later is greyed while the period ends with this week."""
        if action == "shift" and parameters == (1,):
            later = self.end is not None and self.end < reports.weeks_to(self.app.today, 1)[0]
            return True if later else None
        return True

    def action_shift(self, direction: int) -> None:
        """The period moves by its own length, never past this week."""
        today = self.app.today
        end = (self.end or today) + timedelta(weeks=self.span * direction)
        self.end = min(end, today)
        self.refresh_bindings()
        self.load()
