"""Recognising an export: a spreadsheet (Kimai's XLSX), JSON (Timewarrior or Watson) by
its first items, a CSV by the columns its tool always writes, in any order.

A header that has most of one format's required columns but not all is told which ones
it lacks, rather than that it matches nothing.
"""

from __future__ import annotations

import os

from . import clockify, generic, harvest, kimai, solidtime, toggl, watson
from .clockify import ClockifyReader
from .csvfile import CsvFile
from .generic import GenericReader
from .harvest import HarvestReader
from .kimai import KimaiReader
from .records import FileProblem
from .solidtime import SolidtimeReader
from .tabular import missing_columns, normal
from .timewarrior import TimewarriorReader
from .toggl import TogglReader
from .watson import open_watson
from .xlsxfile import is_xlsx

_READERS = {
    "clockify": ClockifyReader,
    "toggl": TogglReader,
    "harvest": HarvestReader,
    "solidtime": SolidtimeReader,
    "kimai": KimaiReader,
    "timewarrior": TimewarriorReader,
    "watson": open_watson,
    "generic": GenericReader,
}
# Most specific first: Toggl's "Duration" sets it apart from Clockify's report (whose
# duration columns are optional); the generic format needs a date, which solidtime lacks.
_SIGNATURES = (
    ("toggl", toggl.SIGNATURE),
    ("clockify", clockify.SIGNATURE),
    ("harvest", harvest.SIGNATURE),
    ("kimai", kimai.SIGNATURE),
    ("generic", generic.REQUIRED),
    ("solidtime", solidtime.SIGNATURE),
    ("watson", watson.CSV_SIGNATURE),
)


def reader_class(name: str):
    return _READERS[name]


def _json_kind(path: str | os.PathLike) -> str | None:
    """ "timewarrior" or "watson" for a JSON list, None if the file is not JSON."""
    with open(path, "rb") as handle:
        head = handle.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
    if head[:1] not in (b"[", b"{"):
        return None
    first = head[1:].lstrip()
    if first[:1] == b"[":
        return "watson"  # the frames file: a list of lists
    item = first.split(b"}", 1)[0]
    return "watson" if b'"stop"' in item else "timewarrior"


def detect(path: str | os.PathLike) -> str:
    if is_xlsx(path):
        return "kimai"
    kind = _json_kind(path)
    if kind:
        return kind
    with CsvFile(path) as table:
        names = {normal(name) for name in table.header}
    closest = None
    for name, required in _SIGNATURES:
        missing = missing_columns(names, required)
        if not missing:
            return name
        present = len(required) - len(missing)
        rank = (len(missing), -present)
        if present >= 2 and present > len(missing) and (closest is None or rank < closest[0]):
            closest = (rank, name, missing)
    if closest is not None:
        _, name, missing = closest
        title = watson.CSV_TITLE if name == "watson" else reader_class(name).title
        raise FileProblem(
            1,
            1,
            f"the header looks like {title}, which needs the column(s) {', '.join(missing)}; "
            "the header lacks them",
        )
    raise FileProblem(
        1,
        1,
        "the header matches none of the known exports (clockify, toggl, harvest, solidtime, "
        "kimai, timewarrior, watson, generic); give --format",
    )
