"""``timew export``: a JSON list of intervals in UTC,
``{"id", "start": "20260101T090000Z", "end", "tags": [...], "annotation"}``.

Timewarrior has no projects or clients, only tags: the service takes the first tag that
names an existing project as the project (the other tags become the description when
there is no annotation). The list is read item by item, so memory stays small however
long the export is; problems point at the line and column of the offending key.
"""

from __future__ import annotations

import codecs
import json
import os
from collections.abc import Iterator

from .records import FileProblem, Problem, ReadOptions, Row
from .values import parse_utc

CHUNK = 64 * 1024
ITEM_LIMIT = 1024 * 1024  # characters of one interval


class TimewarriorReader:
    """Subclasses for other JSON lists override ``shape`` and ``_interval``."""

    name = "timewarrior"
    shape = "a timew export is a JSON list: [ {…}, … ]"

    def __init__(self, path: str | os.PathLike, options: ReadOptions) -> None:
        self.options = options
        self.size = os.path.getsize(path)
        self.position = 0
        self._handle = open(path, "rb")  # noqa: SIM115  (closed by close())
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._json = json.JSONDecoder()
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._line = 1
        self._line_start = 0
        self._counted = 0
        try:
            if self._peek() != "[":
                line, column = self._where(self._pos)
                raise FileProblem(line, column, self.shape)
            self._pos += 1
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self._handle.close()

    def _more(self) -> bool:
        """Read the next chunk, dropping what has been parsed; False at the end of the file
        (the buffer is then left as it was, so positions in it still hold)."""
        if self._eof:
            return False
        data = self._handle.read(CHUNK)
        self.position = self._handle.tell()
        self._eof = not data
        try:
            text = self._decoder.decode(data, final=self._eof)
        except UnicodeDecodeError as exc:
            line, column = self._where(len(self._buf))
            raise FileProblem(line, column, f"the file is not UTF-8 ({exc.reason})") from None
        if text:
            self._where(self._pos)
            drop = self._pos
            self._buf = self._buf[drop:] + text
            self._pos -= drop
            self._counted -= drop
            self._line_start -= drop
        return bool(data)

    def _where(self, index: int) -> tuple[int, int]:
        """(line, column) of ``index`` in the buffer; indexes must not go backwards."""
        if index > self._counted:
            newlines = self._buf.count("\n", self._counted, index)
            if newlines:
                self._line += newlines
                self._line_start = self._buf.rindex("\n", self._counted, index) + 1
            self._counted = index
        return self._line, index - self._line_start + 1

    def _peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in " \t\r\n":
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._more():
                return ""

    def _item(self) -> tuple[object, int, int]:
        """The next JSON value and where it starts and ends in the buffer."""
        while True:
            try:
                value, end = self._json.raw_decode(self._buf, self._pos)
                return value, self._pos, end
            except json.JSONDecodeError as exc:
                if len(self._buf) - self._pos > ITEM_LIMIT or not self._more():
                    line, column = self._where(max(exc.pos, self._pos))
                    raise FileProblem(line, column, f"not valid JSON: {exc.msg}") from None

    def __iter__(self) -> Iterator[Row | Problem]:
        try:
            yield from self._intervals()
        except FileProblem as exc:
            yield exc.problem

    def _intervals(self) -> Iterator[Row | Problem]:
        if self._peek() == "]":
            return
        while True:
            if self._peek() == "":
                line, column = self._where(self._pos)
                raise FileProblem(line, column, "the list is not closed with ]")
            value, start, end = self._item()
            yield self._interval(value, start, end)
            self._pos = end
            following = self._peek()
            if following == "]":
                return
            if following != ",":
                line, column = self._where(self._pos)
                raise FileProblem(line, column, "expected , or ] after an interval")
            self._pos += 1

    def _key(self, start: int, end: int, key: str) -> tuple[int, int]:
        found = self._buf.find(f'"{key}"', start, end)
        return self._where(start if found < 0 else found)

    def _interval(self, value: object, start: int, end: int) -> Row | Problem:
        line, column = self._where(start)
        if not isinstance(value, dict):
            return Problem(line, column, "each interval is a JSON object")
        keys = sorted(("start", "end", "tags"), key=lambda k: self._buf.find(f'"{k}"', start, end))
        at = {key: self._key(start, end, key) for key in keys}
        begin, finish = value.get("start"), value.get("end")
        if not isinstance(begin, str):
            return Problem(*at["start"], "start: missing")
        if finish is None:
            return Problem(*at["start"], "the interval is still running (no end); stop it first")
        tags = value.get("tags") or []
        annotation = value.get("annotation") or ""
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            return Problem(*at["tags"], "tags: not a list of text")
        if not isinstance(annotation, str):
            return Problem(line, column, "annotation: not text")
        moments = {}
        for key, text in (("start", begin), ("end", finish)):
            try:
                moments[key] = parse_utc(str(text))
            except ValueError as exc:
                return Problem(*at[key], f"{key}: {exc}")
        first, last = moments["start"], moments["end"]
        if last < first:
            return Problem(*at["end"], "end: the interval ends before it starts")
        return Row(
            line=at["start"][0],
            start_utc=first,
            end_utc=last,
            project="",
            description=annotation.strip(),
            tags=tuple(t.strip() for t in tags if t.strip()),
            columns={
                "date": at["start"][1],
                "start": at["start"][1],
                "project": at["tags"][1],
                "user": column,
            },
            lines={"project": at["tags"][0], "user": line},
        )
