"""The table every area uses: its cells show text as it was typed, in columns as wide as
the text, drawn without Rich's general layout where a cell is one line of text. Where the
table is narrower than its columns, the columns that may give way are cut with an ellipsis
(descriptions first, then names); money, hours and states are always shown whole."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets._data_table import RowRenderables
from textual.widgets.data_table import CellType, ColumnKey, RowKey

_NEWLINE = Text("\n")
T = TypeVar("T")

# How a column gives way when the table is narrower than its columns: those that give most
# are cut first, each to its least width, before the next give way.
KEEP = 0  # money, hours, states, dates, numbers: never cut
NAME = 1  # projects, clients, people: cut after the descriptions
TEXT = 2  # descriptions, notes, paths: cut first
LEAST = {KEEP: 0, NAME: 14, TEXT: 8}  # "Alpenblick Ac…" and "Alpenblick Ta…" stay apart
SHOWN = 4  # a column that may vanish (least 0) vanishes rather than show fewer cells


@dataclass(frozen=True)
class Column:
    """A column as an area defines it: its label, how readily it gives way (:data:`KEEP`,
    :data:`NAME` or :data:`TEXT`), and the narrowest it is cut to, ellipsis included
    (``None``: the usual for how it gives way; 0: it vanishes on a narrow terminal)."""

    label: str | Text
    give: int = KEEP
    least: int | None = None

    @property
    def least_width(self) -> int:
        return LEAST[self.give] if self.least is None else self.least


def fit_widths(
    natural: Sequence[int], columns: Sequence[Column], room: int, padding: int = 0
) -> list[int]:
    """The widths of columns whose text is ``natural`` wide, so that they fit in ``room``
    if cutting the columns that give way (most giving first, the widest of them first)
    down to their least widths can make them fit. A column is never widened; one that may
    vanish and would be narrower than :data:`SHOWN` is 0 wide, and its ``padding`` goes
    to the others."""
    widths = list(natural)
    for give in sorted({c.give for c in columns if c.give != KEEP}, reverse=True):
        excess = sum(widths) - room
        if excess <= 0:
            break
        chosen = [i for i, column in enumerate(columns) if column.give == give]
        cut = _level(
            [widths[i] for i in chosen],
            [min(widths[i], columns[i].least_width) for i in chosen],
            sum(widths[i] for i in chosen) - excess,
        )
        for i, width in zip(chosen, cut, strict=True):
            widths[i] = width
    kept = [
        i
        for i, (width, column) in enumerate(zip(widths, columns, strict=True))
        if column.least_width or width >= min(natural[i], SHOWN)
    ]
    if len(kept) == len(columns):
        return widths
    shown = fit_widths(
        [natural[i] for i in kept],
        [columns[i] for i in kept],
        room + padding * (len(columns) - len(kept)),
        padding,
    )
    widths = [0] * len(columns)
    for i, width in zip(kept, shown, strict=True):
        widths[i] = width
    return widths


def _level(widths: list[int], least: list[int], goal: int) -> list[int]:
    """``widths`` cut to one level, each no lower than its ``least``, as high as keeps
    their sum within ``goal``; what the level leaves over widens the first ones cut."""

    def at(level: int) -> list[int]:
        return [min(w, max(low, level)) for w, low in zip(widths, least, strict=True)]

    low, high = 0, max(widths)
    while low < high:
        middle = (low + high + 1) // 2
        if sum(at(middle)) <= goal:
            low = middle
        else:
            high = middle - 1
    cut = at(low)
    spare = goal - sum(cut)
    for i, width in enumerate(cut):
        if spare > 0 and width < widths[i]:
            cut[i] += 1
            spare -= 1
    return cut


def fitted(cell: Text, width: int) -> Text:
    """A one-line cell cut to ``width`` cells, ending in an ellipsis where it was cut."""
    if cell.cell_len <= width:
        return cell
    if not (cell.spans or cell.style) and cell.plain.isascii():
        return Text(cell.plain[: max(width - 1, 0)] + "…"[: max(width, 0)], end="")
    cut = cell.copy()
    cut.truncate(max(width, 0), overflow="ellipsis")
    return cut


class _RowDrawing(NamedTuple):
    """The table's settings for drawing body rows, read once a frame."""

    plain: bool  # a row cursor, no fixed columns and no labels: rows drawn here
    fixed_rows: int
    widths: list[int]  # of the columns, padding included
    padding: int
    rest: int  # the width right of the last column
    cache_key: tuple  # what else a drawn row depends on


def plain(cell: CellType) -> CellType:
    """A str cell as literal text. DataTable reads a str as Rich markup: a description
    such as ``[/b]`` would stop the app, and ``[red]`` would colour it."""
    return Text(cell, end="") if isinstance(cell, str) else cell


def one_line(cell: object) -> bool:
    """Whether a cell is text that DataTable would lay out as a single cropped line."""
    return (
        isinstance(cell, Text)
        and cell.no_wrap is not False
        and cell.justify in (None, "default")
        and cell.overflow in (None, "fold", "crop")
        and cell.plain.isprintable()  # no line breaks, tabs or zero-width control codes
    )


def draw_line(
    cell: Text, width: int, padding: int, style: Style, post_style: Style, console: Console
) -> list[Segment]:
    """The segments DataTable gets for a :func:`one_line` cell from
    ``render_lines(Styled(Padding(cell, (0, padding)), style, post_style))``: the text,
    cropped or padded to the column, between its padding, under ``style`` and over
    ``post_style``."""
    none = Style.null()
    if not (cell.spans or cell.style) and cell.plain.isascii():
        # Unstyled text one cell wide a character, as most cells are: Rich would lay it
        # out as one run, cropped or padded to the column (a third of the time).
        inner = width - 2 * padding
        spaced = " " * padding + cell.plain[:inner].ljust(inner) + " " * padding
        return [Segment(spaced, style + post_style)]  # as Segment.apply_style would
    laid_out = _NEWLINE.join([cell]) if cell.style else cell  # the style becomes a span
    line = Segment.adjust_line_length(list(laid_out.render(console)), width - 2 * padding, none)
    if padding:
        line = [Segment(" " * padding, none), *line, Segment(" " * padding, none)]
    return list(Segment.apply_style(line, style, post_style))


def drawn_directly(cell: CellType, width: int, padding: int, one_high: bool) -> bool:
    """Whether a body cell is drawn by :func:`draw_line` rather than through Rich's
    layout: one line of text, in a row one line high, at least as wide as its padding."""
    return one_high and width >= 2 * padding and one_line(cell)


def located(line: list[Segment], row: int, column: int) -> list[Segment]:
    """A cell's segments carrying where the cell is, for the mouse: added last and once
    per run of one style, as every style that carries it is new to Rich's cache of added
    styles."""
    where = Style.from_meta({"row": row, "column": column})
    if len(line) == 1:  # most cells: one run
        return [Segment(line[0].text, line[0].style + where)]
    return [Segment(text, look + where) for text, look, _ in Segment.simplify(line)]


class PlainTable(DataTable):
    """A DataTable whose str cells and labels are never markup; style one by passing a
    Text. Columns are as wide as their text while the table has room, and are fitted to
    its width (see :func:`fit_widths`) whenever it or its rows change."""

    _frame: dict | None = None  # what is looked up once during one render_lines call
    _remeasure = False  # cleared: the next rows measured are all of them

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._giving: dict[ColumnKey, Column] = {}

    def add_columns(self, *columns: str | Text | Column) -> list[ColumnKey]:
        """Columns by label (never cut) or as :class:`Column` (cut as it says)."""
        keys = []
        for column in columns:
            given = column if isinstance(column, Column) else Column(column)
            key = self.add_column(given.label)
            self._giving[key] = given
            keys.append(key)
        return keys

    def add_column(
        self,
        label: str | Text,
        *,
        width: int | None = None,
        key: str | None = None,
        default: CellType | None = None,
    ) -> ColumnKey:
        """A str label is literal text too (reading it as markup also loaded Rich's
        table of emoji, 2 ms of every start)."""
        return super().add_column(plain(label), width=width, key=key, default=default)

    def add_row(
        self,
        *cells: CellType,
        height: int | None = 1,
        key: str | None = None,
        label: str | Text | None = None,
    ) -> RowKey:
        return super().add_row(*map(plain, cells), height=height, key=key, label=label)

    def replace_rows(self, rows: Iterable[tuple[str, Sequence[CellType]]]) -> None:
        """All rows anew, as ``(key, cells)``, with the cursor kept on the row it was on
        (by key: a reload after a change elsewhere moves rows) or, if that row is gone,
        on the same line."""
        keep_index, keep_key = self.cursor_row, None
        if self.row_count:
            keep_key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        self.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if not self.row_count:
            return
        if keep_key is not None and keep_key in self.rows:
            self.move_cursor(row=self.get_row_index(keep_key))
        else:
            self.move_cursor(row=min(keep_index, self.row_count - 1))

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: CellType,
        *,
        update_width: bool = False,
    ) -> None:
        super().update_cell(row_key, column_key, plain(value), update_width=update_width)

    def clear(self, columns: bool = False):
        """Columns are sized again to the rows that come next, not kept as wide as any row
        shown before."""
        self._remeasure = True
        if columns:
            self._giving.clear()
        return super().clear(columns)

    def _update_dimensions(self, new_rows) -> None:
        """DataTable sizes its columns to new rows when idle, measuring each cell through
        Rich (which asks the terminal for its size three times a cell); a row of
        :func:`one_line` cells is measured here by its text's width instead.

        It also keeps the rows it drew before that: a frame painted in between (a busy
        machine) left the columns cut to their headers until the next change. Widths that
        changed redraw every row."""
        before = [column.get_render_width(self) for column in self.ordered_columns]
        columns = self.ordered_columns
        if self._remeasure:
            self._remeasure = False
            for column in columns:
                column.content_width = column.label.cell_len
        rest = []
        for key in new_rows:
            row, index = self.rows.get(key), self._row_locations.get(key)
            if row is None or index is None:
                continue  # removed since it was added
            cells = self._get_row_renderables(index).cells
            if row.label is not None or row.auto_height or not all(map(one_line, cells)):
                rest.append(key)
                continue
            for column, cell in zip(columns, cells, strict=False):
                column.content_width = max(column.content_width, cell.cell_len)
        super()._update_dimensions(rest)
        self._fit_columns()
        if before != [column.get_render_width(self) for column in self.ordered_columns]:
            self._clear_caches()
            self.refresh()

    def _on_resize(self, _: events.Resize) -> None:
        self._fit_columns()

    def watch_show_vertical_scrollbar(self) -> None:
        """The scroll bar takes its width from the columns."""
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Cut the columns that give way to the table's width, or widen them back to their
        text: on every resize and whenever the rows change."""
        columns = self.ordered_columns
        if not columns or not self.size.width:
            return  # not laid out yet
        padding = 2 * self.cell_padding * len(columns)
        room = self.scrollable_content_region.width - self._row_label_column_width - padding
        natural = [column.content_width for column in columns]
        widths = fit_widths(
            natural,
            [self._giving.get(column.key, Column("")) for column in columns],
            room,
            2 * self.cell_padding,
        )
        changed = False
        for column, width, full in zip(columns, widths, natural, strict=True):
            cut = width < full
            width = width or -2 * self.cell_padding  # vanished: not even its padding
            if column.auto_width == cut or (cut and column.width != width):
                column.auto_width, column.width = not cut, width
                changed = True
        if changed:
            total = sum(column.get_render_width(self) for column in columns)
            self.virtual_size = Size(total + self._row_label_column_width, self.virtual_size.height)
            self._clear_caches()

    def _compute_row_renderables(self, row_index: int) -> RowRenderables:
        """The labels of columns cut narrower than their text end in an ellipsis."""
        found = super()._compute_row_renderables(row_index)
        if row_index != -1:
            return found
        labels = [
            label if column.auto_width else fitted(label, column.width)
            for column, label in zip(self.ordered_columns, found.cells, strict=True)
        ]
        return RowRenderables(found.label, labels)

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ):
        """DataTable draws every cell through Rich's general layout (padding, wrapping,
        cropping), some 0.1 ms a cell: a screen of rows took 30 ms each time it was drawn.
        A body cell of one line is drawn directly, with the same styles and cache."""
        if width <= 0:  # a column that has vanished
            row = self._row_locations.get_key(row_index) if row_index >= 0 else None
            return [[] for _ in range(self.rows[row].height if row else self.header_height)]
        if min(row_index - self.fixed_rows, column_index - self.fixed_columns) < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        cell = self._get_row_renderables(row_index).cells[column_index]
        if not drawn_directly(cell, width, self.cell_padding, self.rows[row_key].height == 1):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        key = (
            row_key,
            self._column_locations.get_key(column_index),
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cache = self._cell_render_cache
        if key not in cache:
            style, post_style = self._cell_styles(cursor, hover)
            padding = self.cell_padding
            line = draw_line(
                fitted(cell, width - 2 * padding),
                width,
                padding,
                base_style + style,
                post_style,
                self.app.console,
            )
            cache[key] = [located(line, row_index, column_index)]
        return cache[key]

    def _cell_styles(self, cursor: bool, hover: bool) -> tuple[Style, Style]:
        """The styles a body cell is drawn with, over its row's and under its own."""
        return self._per_frame(
            ("cell", cursor, hover),
            lambda: self._get_styles_to_render_cell(
                False,
                False,
                False,
                hover,
                cursor,
                self.show_cursor,
                self._show_hover_cursor,
                self.cursor_foreground_priority == "css",
                self.cursor_background_priority == "css",
            ),
        )

    def _render_line_in_row(
        self,
        row_key: RowKey,
        line_no: int,
        base_style: Style,
        cursor_location: Coordinate,
        hover_location: Coordinate,
    ):
        """DataTable draws a row asking, cell by cell, whether the cursor or the mouse is
        on it, and looks up the header's style and the colour behind the table on every
        line. Under a row cursor a body row is either under the cursor (or the mouse) or
        not, all through: it is drawn once for each, not again for every position of the
        cursor elsewhere, with its cells' styles worked out once."""
        row_index = self._row_locations.get(row_key)
        rows = self._per_frame("rows", self._row_drawing)
        if row_index is None or row_index < rows.fixed_rows or not rows.plain:
            return super()._render_line_in_row(
                row_key, line_no, base_style, cursor_location, hover_location
            )
        cursor = cursor_location.row == row_index
        hover = hover_location.row == row_index
        key = (row_key, line_no, base_style, cursor, hover, *rows.cache_key)
        cache = self._row_render_cache
        if key in cache:
            return cache[key]
        row_style = self._get_row_style(row_index, base_style)
        style, post_style = self._cell_styles(cursor, hover)
        style = row_style + style
        console, padding, widths = self.app.console, rows.padding, rows.widths
        one_high = self.rows[row_key].height == 1
        cells = []
        for index, (cell, width) in enumerate(
            zip(self._get_row_renderables(row_index).cells, widths, strict=True)
        ):
            if drawn_directly(cell, width, padding, one_high):
                cell = fitted(cell, width - 2 * padding)
                line = draw_line(cell, width, padding, style, post_style, console)
                cells.append(located(line, row_index, index))
            else:
                cells.append(
                    self._render_cell(row_index, index, row_style, width, cursor, hover)[line_no]
                )
        # The rest of the line, as far as the table is wide, in the row's and the cursor's
        # colours.
        extend = style + Style.from_meta({"row": row_index, "column": 0, "out_of_bounds": True})
        cells.append([Segment(" " * rows.rest, extend)])
        cache[key] = ([], cells)
        return cache[key]

    def _row_drawing(self) -> _RowDrawing:
        widths = [column.get_render_width(self) for column in self.ordered_columns]
        return _RowDrawing(
            plain=not self.fixed_columns
            and self.cursor_type == "row"
            and not (self._labelled_row_exists and self.show_row_labels),
            fixed_rows=self.fixed_rows,
            widths=widths,
            padding=self.cell_padding,
            rest=max(0, self.size.width - sum(widths)),
            cache_key=(
                self.show_cursor,
                self._show_hover_cursor,
                self._update_count,
                self._pseudo_class_state,
            ),
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        """DataTable looks up its own style and its row's style for every line it draws,
        each a walk through every ancestor's CSS, and reads its settings (reactive
        attributes, a few microseconds each) for every cell. Within one frame none of them
        can change, so each is looked up once per frame: the first frame of 29 invoices
        went from 15 ms to 9 ms; reading the settings once took a screen of 35 rows from
        5.3 to 4.4 ms."""
        self._frame = {}
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def _per_frame(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What ``compute()`` gives, worked out once in a frame under ``key``."""
        frame = self._frame
        if frame is None:
            return compute()
        if key not in frame:
            frame[key] = compute()
        return frame[key]

    @property
    def rich_style(self) -> Style:
        return self._per_frame("table", lambda: super(PlainTable, self).rich_style)

    def _get_row_style(self, row_index: int, base_style: Style) -> Style:
        # Rows below the fixed ones differ only by odd or even (zebra stripes).
        fixed = self.fixed_rows
        row = row_index if row_index < fixed else fixed + row_index % 2
        return self._per_frame(
            ("row", row, base_style),
            lambda: super(PlainTable, self)._get_row_style(row_index, base_style),
        )
