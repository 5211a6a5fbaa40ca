"""Watson's time: ``watson log --json``, ``watson log --csv``, or its ``frames`` file.

- ``log --json``: a list of ``{"id", "start", "stop", "project", "tags"}`` (and ``note``
  in newer versions), times in ISO 8601 with their UTC offset;
- ``log --csv``: ``id,start,stop,project,tags``, times ``YYYY-MM-DD HH:MM:SS`` in the
  user's zone (read as the organisation's), tags joined with ``, ``;
- ``frames``: a list of ``[start, stop, project, id, tags, updated_at]`` with Unix times.

Watson has projects but no clients (``--client`` gives them one). Tags have no place of
their own in tally, so they go in front of the note in the description.
"""

from __future__ import annotations

import os
from datetime import datetime

from .records import Problem, ReadOptions, Row
from .solidtime import parse_moment
from .tabular import Cells, TableReader, describe
from .timewarrior import TimewarriorReader

CSV_SIGNATURE = ("start", "stop", "project")
CSV_TITLE = "a Watson log (watson log --csv)"


def open_watson(path: str | os.PathLike, options: ReadOptions):
    """The reader for whichever of Watson's files ``path`` is."""
    with open(path, "rb") as handle:
        head = handle.read(64).removeprefix(b"\xef\xbb\xbf").lstrip()
    if head[:1] in (b"[", b"{"):
        return WatsonReader(path, options)
    return WatsonCsvReader(path, options)


def _instant(value: object) -> int:
    """Epoch seconds of an ISO 8601 time with an offset, or of a Unix time."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a time")
    if isinstance(value, int | float):
        return round(value)
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return round(moment.timestamp())
    raise ValueError(f"{value!r} is not a time with a UTC offset (2026-11-16T09:00:00+01:00)")


def _tags(value: object) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        return [t.strip() for t in value if t.strip()]
    return None


class WatsonReader(TimewarriorReader):
    """``watson log --json`` and the ``frames`` file, streamed like a timew export."""

    name = "watson"
    shape = "Watson's log and frames are JSON lists: [ {…}, … ] or [ [start, stop, …], … ]"

    def _interval(self, value: object, start: int, end: int) -> Row | Problem:
        line, column = self._where(start)
        if isinstance(value, list):
            if len(value) < 3:
                return Problem(line, column, "a frame is [start, stop, project, id, tags, …]")
            fields = {"start": value[0], "stop": value[1], "project": value[2]}
            fields["tags"] = value[4] if len(value) > 4 else []
            fields["note"] = value[6] if len(value) > 6 else ""
            at = {key: (line, column) for key in fields}
        elif isinstance(value, dict):
            fields = value
            keys = sorted(
                ("start", "stop", "project", "tags"),
                key=lambda k: self._buf.find(f'"{k}"', start, end),
            )  # positions are found in the order they come
            at = {key: self._key(start, end, key) for key in keys}
        else:
            return Problem(line, column, "each frame is a JSON object or list")
        moments = {}
        for key in ("start", "stop"):
            if fields.get(key) is None:
                return Problem(*at[key], f"{key}: missing")
            try:
                moments[key] = _instant(fields[key])
            except ValueError as exc:
                return Problem(*at[key], f"{key}: {exc}")
        project = fields.get("project")
        if not isinstance(project, str) or not project.strip():
            return Problem(*at["project"], "project: empty; every entry needs a project")
        tags = _tags(fields.get("tags"))
        if tags is None:
            return Problem(*at["tags"], "tags: not a list of text")
        note = fields.get("note") or ""
        if not isinstance(note, str):
            return Problem(line, column, "note: not text")
        if moments["stop"] < moments["start"]:
            return Problem(*at["stop"], "stop: the frame ends before it starts")
        return Row(
            line=at["start"][0],
            start_utc=moments["start"],
            end_utc=moments["stop"],
            project=project.strip(),
            description=describe(", ".join(tags), note.strip()),
            columns={
                "date": at["start"][1],
                "start": at["start"][1],
                "project": at["project"][1],
                "client": at["project"][1],
                "user": column,
            },
            lines={"project": at["project"][0], "client": at["project"][0], "user": line},
        )


class WatsonCsvReader(TableReader):
    name = "watson"
    title = CSV_TITLE

    def prepare(self) -> None:
        self.start, self.stop, self.project = self.header.need(self.title, *CSV_SIGNATURE)
        # Read as the other tables are: tags lead the description as a task does.
        self.client = None
        self.task = self.header.find("tags")
        self.description = self.header.find("note")
        self.columns = {
            "date": self.start + 1,
            "start": self.start + 1,
            "project": self.project + 1,
            "client": self.project + 1,
            "user": self.start + 1,
        }

    def row(self, cells: Cells) -> Row | None:
        start = cells.parse(self.start, parse_moment)
        stop = cells.parse(self.stop, parse_moment)
        project = cells.text(self.project)
        if not project:
            cells.fail(self.project, "empty; every entry needs a project")
        if cells.problems:
            return None
        return self.timed_row(
            cells, (*start, self.start), (*stop, self.stop), None, project, None, ()
        )
