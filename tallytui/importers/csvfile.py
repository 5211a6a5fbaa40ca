"""Reading CSV exports in bounded memory, with the position of every problem.

Files are read line by line as bytes, so the byte count drives a progress bar and a bad
UTF-8 byte is reported at its line instead of failing the whole file. The ``csv`` module
parses the records (strictly: a stray quote is an error, not a guess); a field over
131,072 characters, an unclosed quote or a line over 4 MiB becomes a problem at its line
and column, the rest of that record is skipped, and reading goes on with the next one.

Spreadsheets run cells that begin with ``=``, ``+``, ``-``, ``@``, tab or CR as formulas,
so exported text cells get a leading single quote (``neutralise``) and the generic reader
takes it off again (``restore``).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass

from .records import FileProblem, Problem

FIELD_LIMIT = csv.field_size_limit()  # 131,072 characters
LINE_LIMIT = 4 * 1024 * 1024  # bytes of one physical line
_BOM = b"\xef\xbb\xbf"
_DELIMITERS = (",", ";", "\t")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED = frozenset(["=", "+", "-", "@", "\t", "\r", "'"])

Record = tuple[int, list[str]]


def neutralise(text: str) -> str:
    """The text with a leading ``'`` if a spreadsheet would run it as a formula (or if it
    already starts with a quote before such a character, so ``restore`` is exact)."""
    if text.startswith(_FORMULA) or (text[:1] == "'" and text[1:2] in _ESCAPED):
        return "'" + text
    return text


def restore(text: str) -> str:
    """Undo ``neutralise``."""
    if text[:1] == "'" and text[1:2] in _ESCAPED:
        return text[1:]
    return text


@dataclass(frozen=True, slots=True)
class _Field:
    length: int
    quoted: bool
    closed: bool
    trailing: bool  # text after the closing quote


def _stop(text: str, start: int, delimiter: str) -> int:
    """Where the unquoted field from ``start`` ends: a delimiter, CR, LF or the end."""
    found = [i for i in (text.find(c, start) for c in (delimiter, "\n", "\r")) if i >= 0]
    return min(found, default=len(text))


def _layout(text: str, delimiter: str) -> list[_Field]:
    """The fields of the record that ``text`` begins with, as far as ``text`` goes."""
    fields: list[_Field] = []
    i, n = 0, len(text)
    while True:
        if text.startswith('"', i):
            j = i + 1
            while (k := text.find('"', j)) >= 0 and text.startswith('"', k + 1):
                j = k + 2
            if k < 0:
                fields.append(_Field(n - i, True, False, False))
                return fields
            end = _stop(text, k + 1, delimiter)
            fields.append(_Field(end - i, True, True, end > k + 1))
        else:
            end = _stop(text, i, delimiter)
            fields.append(_Field(end - i, False, True, False))
        if end >= n or text[end] != delimiter:
            return fields
        i = end + 1


def _advance(text: str, inside: bool, at_start: bool, delimiter: str) -> tuple[bool, bool, bool]:
    """(inside quotes, at a field's start, record ended) after reading ``text``."""
    i, n = 0, len(text)
    while i < n:
        if inside:
            k = text.find('"', i)
            if k < 0:
                return True, False, False
            if text.startswith('"', k + 1):
                i = k + 2
                continue
            inside, at_start, i = False, False, k + 1
        elif at_start and text[i] == '"':
            inside, i = True, i + 1
        else:
            end = _stop(text, i, delimiter)
            if end >= n:
                return False, False, False
            if text[end] != delimiter:
                return False, True, True
            at_start, i = True, end + 1
    return inside, at_start, False


def _sniff(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


class CsvFile:
    """A CSV file as records ``(line, fields)`` and ``Problem``s; the header is read on
    opening. ``position`` and ``size`` are in bytes."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = os.fspath(path)
        self.size = os.path.getsize(self.path)
        self.position = 0
        self.line = 0
        self._handle = open(self.path, "rb")  # noqa: SIM115  (closed by close())
        self._record: list[str] = []
        self._pending: list[Problem] = []
        self._cut = False
        try:
            first = self._handle.readline(LINE_LIMIT)
            if first.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise FileProblem(1, 1, "the file is UTF-16; save it as UTF-8 (CSV UTF-8)")
            self.delimiter = _sniff(first.removeprefix(_BOM).decode("utf-8", "replace"))
            self._handle.seek(0)
            self._lines = self._read_lines()
            self._reader = self._new_reader()
            self._items = self._records()
            header = next(self._items, None)
            if header is None:
                raise FileProblem(1, 1, "the file is empty")
            if isinstance(header, Problem):
                raise FileProblem(header.line, header.column, header.message)
            self.header = [name.strip() for name in header[1]]
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> CsvFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def records(self) -> Iterator[Record | Problem]:
        return self._items

    def _new_reader(self):
        return csv.reader(self._lines, delimiter=self.delimiter, strict=True)

    def _read_lines(self) -> Iterator[str]:
        """Physical lines as text; counts lines and bytes, notes bad bytes and cut lines."""
        handle, continued = self._handle, False
        while chunk := handle.readline(LINE_LIMIT):
            if self.position == 0:
                chunk = chunk.removeprefix(_BOM)
            self.position = handle.tell()
            if not continued:
                self.line += 1
            continued = not chunk.endswith(b"\n") and len(chunk) >= LINE_LIMIT
            self._cut = self._cut or continued
            try:
                text = chunk.decode("utf-8")
            except UnicodeDecodeError as exc:
                text = chunk.decode("utf-8", "replace")
                before = chunk[: exc.start].decode("utf-8", "replace")
                column = len(_layout("".join(self._record) + before, self.delimiter))
                self._pending.append(
                    Problem(
                        self.line,
                        column,
                        f"byte 0x{chunk[exc.start]:02X} is not UTF-8; save the file as UTF-8",
                    )
                )
            self._record.append(text)
            yield text

    def _records(self) -> Iterator[Record | Problem]:
        while True:
            self._record.clear()
            self._cut = False
            start = self.line + 1
            try:
                fields = next(self._reader)
            except StopIteration:
                yield from self._flush()
                return
            except csv.Error as exc:
                yield from self._flush()
                yield self._broken(start, str(exc))
                self._skip_rest()
                continue
            yield from self._flush()
            if self._cut:
                yield Problem(start, 1, f"the line is longer than {LINE_LIMIT // 2**20} MiB")
                self._skip_rest()
            elif fields:
                yield start, fields

    def _flush(self) -> Iterator[Problem]:
        yield from self._pending
        self._pending.clear()

    def _broken(self, line: int, reason: str) -> Problem:
        """The csv module's complaint about the record from ``line``, with its column."""
        fields = _layout("".join(self._record), self.delimiter) or [_Field(0, False, True, False)]
        if "field limit" in reason:
            longest = max(range(len(fields)), key=lambda i: fields[i].length)
            return Problem(line, longest + 1, f"a field is longer than {FIELD_LIMIT:,} characters")
        if "end of data" in reason:
            column = next((i for i, f in enumerate(fields) if not f.closed), len(fields) - 1)
            return Problem(line, column + 1, "a quoted field is not closed before the file ends")
        if "expected after" in reason:
            column = next((i for i, f in enumerate(fields) if f.trailing), len(fields) - 1)
            return Problem(
                line,
                column + 1,
                'text follows the closing quote of a field (write a quote inside one as "")',
            )
        if "new-line character" in reason:
            return Problem(line, len(fields), "a carriage return (CR) inside an unquoted field")
        return Problem(line, len(fields), reason)

    def _skip_rest(self) -> None:
        """Read past the rest of a broken record, so the next one starts cleanly."""
        inside, at_start, ended = _advance("".join(self._record), False, True, self.delimiter)
        while not ended:
            self._record.clear()
            chunk = next(self._lines, None)
            if chunk is None:
                break
            inside, at_start, ended = _advance(chunk, inside, at_start, self.delimiter)
        self._record.clear()
        self._pending.clear()
        self._reader = self._new_reader()
