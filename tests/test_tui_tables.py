"""The table every area uses: cells as typed, columns as wide as what they hold."""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.geometry import Region
from textual.render import measure
from textual.renderables.styled import Styled
from textual.widgets import DataTable

from tallytui.ui.widgets.plain_table import (
    KEEP,
    NAME,
    TEXT,
    Column,
    PlainTable,
    draw_line,
    fit_widths,
    one_line,
)


class Shell(App):
    CSS = "PlainTable { width: 1fr; height: 1fr; }"  # as the areas size their tables

    def compose(self):
        yield PlainTable()


def _shown(app) -> str:
    return app.export_screenshot().replace("&#160;", " ")


def screen_text(app) -> str:
    """The screen's lines as painted, one line of text each."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_columns_widen_to_new_rows_even_after_a_frame_drawn_before():
    app = Shell()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one(PlainTable)
        table.add_columns("Project", "Client")
        await pilot.pause()
        table.add_row("Nordlicht Workshop", "[/b] Logistics")
        assert "Nordlicht Workshop" not in _shown(app)  # drawn before the row was measured
        await pilot.pause(0.1)
        shown = _shown(app)
        assert "Nordlicht Workshop" in shown and "[/b] Logistics" in shown


async def test_column_labels_are_literal_text():
    """A label is shown as typed: DataTable would read it as markup, and ``[/b]`` in it
    would stop the app."""
    app = Shell()
    async with app.run_test(size=(80, 10)) as pilot:
        app.query_one(PlainTable).add_columns("[/b] Client", "[red]Project")
        await pilot.pause()
        shown = _shown(app)
        assert "[/b] Client" in shown and "[red]Project" in shown


# Cells the areas hold: plain, styled in part or whole, wider than their column, wide
# characters cut at the edge, empty; and cells DataTable lays out itself (several lines,
# a tab, right-aligned).
CELLS = [
    "Nordlicht Workshop",
    Text.assemble(("✓ ", "bold green"), "locked"),
    Text("overdue", style="red"),
    "a description far longer than the column is wide",
    "日本語のプロジェクト名",
    "",
    Text("two\nlines"),
    Text("tab\there"),
    Text("right", justify="right"),
]
CELL_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
STYLES = st.sampled_from(["", "bold", "red on blue", "italic #ff0000", "reverse dim"])


@settings(max_examples=500, deadline=None)
# Most cells: unstyled ASCII, cropped to the column or padded out to it.
@example(text="Oscorp Analytics", spans=[], base="", width=10, padding=1, style="", post_style="")
@example(text="0.35", spans=[], base="", width=9, padding=2, style="bold", post_style="red")
@given(
    text=CELL_TEXT,
    spans=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30), STYLES), max_size=3),
    base=STYLES,
    width=st.integers(0, 40),
    padding=st.integers(0, 2),
    style=STYLES,
    post_style=STYLES,
)
def test_a_one_line_cell_is_drawn_as_rich_lays_it_out(
    text, spans, base, width, padding, style, post_style
):
    cell = Text(text, style=base, end="")
    for start, end, span_style in spans:
        cell.stylize(span_style, start, end)
    assume(one_line(cell) and width >= 2 * padding)
    console = Console(width=80, color_system="truecolor")
    options = console.options.update_dimensions(width, 1).update(no_wrap=True)
    style, post_style = Style.parse(style), Style.parse(post_style)
    [laid_out] = console.render_lines(
        Styled(Padding(cell, (0, padding)), pre_style=style, post_style=post_style), options
    )
    assert _looks(draw_line(cell, width, padding, style, post_style, console)) == _looks(laid_out)
    assert cell.cell_len == measure(console, cell, 1)  # the width its column is sized to


def _looks(segments) -> list[tuple[str, Style]]:
    """What segments show: runs of text and their style, however they were cut up."""
    runs = [Segment(text, style or Style.null()) for text, style, _ in segments if text]
    return [(text, style) for text, style, _ in Segment.simplify(runs)]


class Pair(App):
    """The same rows in a PlainTable and in Textual's own DataTable: with a fixed column
    and a cell cursor, or as the areas have them, with a row cursor and a first column
    of marks, empty until a row is marked."""

    # Wider than their columns: the rest of each line is drawn too.
    CSS = """
    DataTable { height: 14; width: 100%; }
    DataTable.tinted { background: darkred; color: yellow; }
    """

    def __init__(self, cursor_type: str) -> None:
        super().__init__()
        self.cursor_type = cursor_type

    def compose(self):
        marks = self.cursor_type == "row"
        for table in (PlainTable(id="plain"), DataTable(id="textual")):
            table.cursor_type = self.cursor_type
            table.fixed_columns = 0 if marks else 1
            table.add_columns(*([""] if marks else []), "Fixed", "Cell", "More")
            for index, cell in enumerate(CELLS):
                textual_cell = Text(cell, end="") if isinstance(cell, str) else cell
                row = (f"row {index}", textual_cell, cell if index % 2 else "x")
                table.add_row(*([""] if marks else []), *row, key=str(index))
            if not marks:  # DataTable cannot lay out an empty cell of automatic height
                table.add_row("auto height", Text("one\ntwo"), "y", height=None)
            yield table


@pytest.mark.parametrize("cursor_type", ["cell", "row"])
async def test_plain_table_draws_its_rows_as_datatable_does(cursor_type):
    app = Pair(cursor_type)
    async with app.run_test(size=(140, 32)) as pilot:

        async def drawn(table, row: int) -> list:
            table.focus()
            table.move_cursor(row=row, column=1)
            await pilot.hover(table, offset=(12, 3))
            await pilot.pause()
            # A whole frame, as the screen asks for it: the table's and its rows' styles
            # are looked up once per frame.
            return [_looks(strip) for strip in table.render_lines(Region(0, 0, *table.size))]

        async def same(row: int) -> None:
            widths = [
                [column.get_render_width(table) for column in table.ordered_columns]
                for table in app.query(DataTable)
            ]
            assert widths[0] == widths[1]
            plain = await drawn(app.query_one("#plain"), row)
            assert plain == await drawn(app.query_one("#textual"), row), f"cursor on row {row}"

        for row in (0, 4, 8, 2):  # where the cursor is changes how cells are drawn
            await same(row)
        # Styles changed between frames are drawn in the next one.
        before = await drawn(app.query_one("#plain"), 3)
        for table in app.query(DataTable):
            table.zebra_stripes = True
            table.add_class("tinted")
        assert await drawn(app.query_one("#plain"), 3) != before
        await same(3)
        # A row marked, as the review marks it, widens the first column; then a row of
        # automatic height.
        for table in app.query(DataTable):
            first = table.ordered_columns[0].key
            table.update_cell("5", first, "●" if marks(table) else "marked", update_width=True)
            table.add_row(
                *(["●"] if marks(table) else []), "auto", Text("one\ntwo"), "y", height=None
            )
        await pilot.pause()
        for row in (5, 9, 6):
            await same(row)


def marks(table) -> bool:
    return table.cursor_type == "row"


GIVES = st.sampled_from([KEEP, NAME, TEXT])


@settings(max_examples=500, deadline=None)
@given(
    table=st.lists(
        st.tuples(st.integers(0, 60), GIVES, st.one_of(st.none(), st.integers(0, 20))),
        min_size=1,
        max_size=10,
    ),
    room=st.integers(0, 200),
    padding=st.integers(0, 2),
)
def test_columns_give_way_in_order_and_never_below_their_least(table, room, padding):
    """Kept columns are never cut; a column is cut only once every column that gives way
    more readily is at its least (or has vanished); what is cut is as little as makes the
    table fit, and a column that vanishes leaves its padding to the others."""
    natural = [width for width, _, _ in table]
    columns = [Column("x", give, least) for _, give, least in table]
    widths = fit_widths(natural, columns, room, padding)
    floor = [min(n, c.least_width) for n, c in zip(natural, columns, strict=True)]
    gone = [
        w == 0 < n and c.least_width == 0 for w, n, c in zip(widths, natural, columns, strict=True)
    ]
    done = [w == f or g for w, f, g in zip(widths, floor, gone, strict=True)]
    for width, full, low, column, vanished in zip(
        widths, natural, floor, columns, gone, strict=True
    ):
        assert low <= width <= full or vanished
        if column.give == KEEP:
            assert width == full
        if width < full:  # cut: the more readily giving columns are all at their least
            assert all(d for d, c in zip(done, columns, strict=True) if c.give > column.give)
    if widths != natural:
        at_least = all(d for d, c in zip(done, columns, strict=True) if c.give != KEEP)
        wider = room + padding * sum(gone)
        assert sum(widths) <= wider or at_least
        if sum(widths) < wider:  # room to spare: nothing shown is cut
            assert all(w == n for w, n, g in zip(widths, natural, gone, strict=True) if not g)


class Week(App):
    CSS = "PlainTable { width: 1fr; height: 1fr; }"

    def compose(self):
        yield PlainTable()

    def on_mount(self) -> None:
        table = self.query_one(PlainTable)
        table.add_columns(
            "Day",
            Column("Project", NAME),
            Column("Description", TEXT),
            "Hours",
            "Amount",
            Column("Source", TEXT, least=0),
        )
        table.add_row(
            "Mon 16", "Alpenblick Accounting Sync", "Mapping " * 8, "2.25", "371.25 CHF", "manual"
        )
        table.add_row(
            "Tue 17", "Alpenblick Tax Portal", "Client call", "2.50", "375.00 CHF", "capture"
        )


async def test_columns_are_fitted_to_the_terminal_on_every_resize():
    """Narrow: the description gives way first, then the project names, each with an
    ellipsis and still told apart, and the source vanishes; hours and money stay whole.
    Wide again: all of it."""
    app = Week()
    async with app.run_test(size=(140, 6)) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "Mapping " * 7 in shown and "Alpenblick Accounting Sync" in shown
        await pilot.resize_terminal(80, 6)
        await pilot.pause()
        shown = screen_text(app)
        assert "Alpenblick Accounting Sync" in shown and "Mapping " * 7 not in shown
        assert "…" in shown and "371.25 CHF" in shown
        await pilot.resize_terminal(53, 6)
        await pilot.pause()
        shown = screen_text(app)
        assert "Alpenblick Ac…" in shown and "Alpenblick Ta…" in shown
        assert "2.25" in shown and "371.25 CHF" in shown and "375.00 CHF" in shown
        assert "Source" not in shown and "capture" not in shown
        table = app.query_one(PlainTable)
        assert table.virtual_size.width <= table.size.width  # nothing to scroll sideways
        await pilot.resize_terminal(140, 6)
        await pilot.pause()
        shown = screen_text(app)
        assert "Mapping " * 7 in shown and "capture" in shown
