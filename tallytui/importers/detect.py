"""Recognising an export by its first bytes (JSON: Timewarrior) or its header row."""

from __future__ import annotations

import os

from . import clockify, generic, harvest, solidtime, toggl
from .clockify import ClockifyReader
from .csvfile import CsvFile
from .generic import GenericReader
from .harvest import HarvestReader
from .records import FileProblem
from .solidtime import SolidtimeReader
from .tabular import normal
from .timewarrior import TimewarriorReader
from .toggl import TogglReader

_READERS = {
    "clockify": ClockifyReader,
    "toggl": TogglReader,
    "harvest": HarvestReader,
    "solidtime": SolidtimeReader,
    "timewarrior": TimewarriorReader,
    "generic": GenericReader,
}
# Most specific first: Toggl's columns are a subset of nothing else's, Clockify's
# "Duration (h)" sets it apart, the generic format's lower-case names come last.
_SIGNATURES = (
    ("clockify", clockify.SIGNATURE),
    ("toggl", toggl.SIGNATURE),
    ("solidtime", solidtime.SIGNATURE),
    ("harvest", harvest.SIGNATURE),
)


def reader_class(name: str):
    return _READERS[name]


def _starts_json(path: str | os.PathLike) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
    return head[:1] in (b"[", b"{")


def detect(path: str | os.PathLike) -> str:
    if _starts_json(path):
        return "timewarrior"
    with CsvFile(path) as table:
        names = {normal(name) for name in table.header}
    for name, signature in _SIGNATURES:
        if set(signature) <= names:
            return name
    if generic.matches(names):
        return "generic"
    raise FileProblem(
        1,
        1,
        "the header matches none of the known exports (clockify, toggl, harvest, solidtime, "
        "timewarrior, generic); give --format",
    )
