"""Reading the first sheet of an XLSX workbook as records, like ``CsvFile`` does a CSV.

``openpyxl`` reads the sheet in read-only mode, a row at a time, so memory stays bounded
(apart from the workbook's table of shared strings). It is imported here, when a workbook
is opened, and not when the command line starts. Cells become the text a CSV export would
hold: dates ``YYYY-MM-DD``, times ``HH:MM:SS``, a date with a time both, durations
``h:mm:ss``, numbers as written. Empty rows are passed over.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from .records import FileProblem, Problem

_ZIP = b"PK\x03\x04"

Record = tuple[int, list[str]]


def is_xlsx(path: str | os.PathLike) -> bool:
    """Whether the file is a zip archive, as every XLSX workbook is."""
    with open(path, "rb") as handle:
        return handle.read(4) == _ZIP


def cell_text(value: object) -> str:
    """A cell's value as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        seconds = round(value.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class XlsxFile:
    """The first sheet as records ``(row number, cells)``; row 1 is the header.
    ``position`` and ``size`` are in bytes of the file, ``position`` estimated from the
    rows read, for a progress bar."""

    def __init__(self, path: str | os.PathLike) -> None:
        from openpyxl import load_workbook

        self.path = os.fspath(path)
        self.size = os.path.getsize(self.path)
        self.position = 0
        try:
            self._book = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several kinds for a damaged workbook
            raise FileProblem(1, 1, f"not a readable XLSX workbook ({exc})") from None
        try:
            sheet = self._book.worksheets[0]
            self._rows_total = max(sheet.max_row or 1, 1)
            self._rows = sheet.iter_rows(values_only=True)
            first = next(self._rows, None)
            if first is None or not any(v is not None for v in first):
                raise FileProblem(1, 1, "the first sheet is empty")
            self.header = [cell_text(v).strip() for v in first]
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self._book.close()

    def __enter__(self) -> XlsxFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def records(self) -> Iterator[Record | Problem]:
        width = len(self.header)
        for line, values in enumerate(self._rows, start=2):
            if line % 1000 == 0:
                self.position = self.size * min(line, self._rows_total) // self._rows_total
            cells = [cell_text(v) for v in values]
            if not any(cells):
                continue
            # Spreadsheets often carry empty cells past the header's last column.
            while len(cells) > width and not cells[-1]:
                cells.pop()
            cells += [""] * (width - len(cells))
            yield line, cells
        self.position = self.size
