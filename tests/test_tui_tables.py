"""The table every area uses: cells as typed, columns as wide as what they hold."""

from __future__ import annotations

from hypothesis import assume, given, settings
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

from tallytui.ui.widgets.plain_table import PlainTable, draw_line, one_line


class Shell(App):
    CSS = "PlainTable { width: 1fr; height: 1fr; }"  # as the areas size their tables

    def compose(self):
        yield PlainTable()


def _shown(app) -> str:
    return app.export_screenshot().replace("&#160;", " ")


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
    assume(one_line(cell) and width > 2 * padding)
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
    """The same rows in a PlainTable and in Textual's own DataTable."""

    CSS = "DataTable { height: 14; } DataTable.tinted { background: darkred; color: yellow; }"

    def compose(self):
        for table in (PlainTable(id="plain"), DataTable(id="textual")):
            table.fixed_columns = 1
            table.add_columns("Fixed", "Cell", "More")
            for index, cell in enumerate(CELLS):
                textual_cell = Text(cell, end="") if isinstance(cell, str) else cell
                table.add_row(f"row {index}", textual_cell, cell if index % 2 else "x")
            table.add_row("auto height", Text("one\ntwo"), "y", height=None)
            yield table


async def test_plain_table_draws_its_rows_as_datatable_does():
    app = Pair()
    async with app.run_test(size=(50, 32)) as pilot:

        async def drawn(table, row: int) -> list:
            table.focus()
            table.move_cursor(row=row, column=1)
            await pilot.hover(table, offset=(12, 3))
            await pilot.pause()
            # A whole frame, as the screen asks for it: the table's and its rows' styles
            # are looked up once per frame.
            return [_looks(strip) for strip in table.render_lines(Region(0, 0, *table.size))]

        widths = {
            table.id: [column.get_render_width(table) for column in table.ordered_columns]
            for table in app.query(DataTable)
        }
        assert widths["plain"] == widths["textual"]
        for row in (0, 4, 8):  # where the cursor is changes how cells are drawn
            plain = await drawn(app.query_one("#plain"), row)
            assert plain == await drawn(app.query_one("#textual"), row), f"cursor on row {row}"
        # Styles changed between frames are drawn in the next one.
        before = await drawn(app.query_one("#plain"), 3)
        for table in app.query(DataTable):
            table.zebra_stripes = True
            table.add_class("tinted")
        plain = await drawn(app.query_one("#plain"), 3)
        assert plain != before
        assert plain == await drawn(app.query_one("#textual"), 3)
