"""The table every area uses: its cells show text as it was typed, in columns as wide as
the text."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellType, ColumnKey, RowKey


def plain(cell: CellType) -> CellType:
    """A str cell as literal text. DataTable reads a str as Rich markup: a description
    such as ``[/b]`` would stop the app, and ``[red]`` would colour it."""
    return Text(cell, end="") if isinstance(cell, str) else cell


class PlainTable(DataTable):
    """A DataTable whose str cells are never markup; style a cell by passing a Text."""

    def add_row(
        self,
        *cells: CellType,
        height: int | None = 1,
        key: str | None = None,
        label: str | Text | None = None,
    ) -> RowKey:
        return super().add_row(*map(plain, cells), height=height, key=key, label=label)

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: CellType,
        *,
        update_width: bool = False,
    ) -> None:
        super().update_cell(row_key, column_key, plain(value), update_width=update_width)

    def _update_dimensions(self, new_rows) -> None:
        """DataTable sizes its columns to new rows when idle, but keeps the rows it drew
        before that: a frame painted in between (a busy machine) left the columns cut to
        their headers until the next change. Widths that changed redraw every row."""
        before = [column.get_render_width(self) for column in self.ordered_columns]
        super()._update_dimensions(new_rows)
        if before != [column.get_render_width(self) for column in self.ordered_columns]:
            self._clear_caches()
            self.refresh()
