"""Visits from the browsers' own history databases, always read through a private copy.

A running browser keeps its history open and may lock it exclusively, so the live file is
never opened: the database, its ``-wal`` and its ``-journal`` are copied into a private
temporary folder and only the copy is read. Nothing here writes to tally's database.

Times are kept in microseconds since 1970 UTC, as precise as the browsers store them.
``read_visits`` returns everything from the start of the cursor's second on: the cursor is
stored in whole seconds, and a visit the browser wrote later within that same second must not
be lost. The visits of that second that were already imported come back too; ``record``
collapses them (same target at the same second), so they are never stored twice.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path

from ..domain.errors import TallyError

FIREFOX = "firefox"
CHROMIUM = "chromium"

US = 1_000_000
COMPANIONS = ("", "-wal", "-journal")  # the database and what SQLite needs to read it whole
COPY_ATTEMPTS = 3

FIREFOX_GLOBS = (
    ".mozilla/firefox/*/places.sqlite",
    "snap/firefox/common/.mozilla/firefox/*/places.sqlite",
    "Library/Application Support/Firefox/Profiles/*/places.sqlite",
)
CHROMIUM_FOLDERS = (
    ".config/chromium",
    ".config/google-chrome",
    ".config/google-chrome-beta",
    ".config/BraveSoftware/Brave-Browser",
    ".config/microsoft-edge",
    ".config/vivaldi",
    "Library/Application Support/Google/Chrome",
    "Library/Application Support/Chromium",
    "Library/Application Support/BraveSoftware/Brave-Browser",
    "Library/Application Support/Microsoft Edge",
)


@dataclass(frozen=True)
class Profile:
    browser: str  # firefox | chromium
    path: Path  # the history database: places.sqlite or History


@dataclass(frozen=True)
class Visit:
    at_us: int  # microseconds since 1970 UTC
    url: str

    @property
    def at(self) -> int:
        """Epoch seconds UTC, as heartbeats are stored."""
        return self.at_us // US


@dataclass(frozen=True)
class _Schema:
    label: str
    file_name: str
    query: str  # :offset turns the browser's clock into microseconds since 1970
    offset_us: int


_SCHEMAS = {
    FIREFOX: _Schema(
        "Firefox",
        "places.sqlite",
        "SELECT v.visit_date - :offset, p.url"
        " FROM moz_historyvisits v JOIN moz_places p ON p.id = v.place_id"
        " WHERE v.visit_date >= :since + :offset AND p.url IS NOT NULL"
        " ORDER BY v.visit_date",
        0,  # visit_date counts from 1970
    ),
    CHROMIUM: _Schema(
        "Chromium",
        "History",
        "SELECT v.visit_time - :offset, u.url"
        " FROM visits v JOIN urls u ON u.id = v.url"
        " WHERE v.visit_time >= :since + :offset AND u.url IS NOT NULL"
        " ORDER BY v.visit_time",
        11_644_473_600 * US,  # visit_time counts from 1601-01-01 UTC
    ),
}


def discover(home: Path) -> list[Profile]:
    """Every Firefox and Chromium-family profile with a history under ``home``, by resolved
    path as ``profile`` names them, so both find the same read position."""
    firefox = [path for pattern in FIREFOX_GLOBS for path in home.glob(pattern)]
    chromium = [path for folder in CHROMIUM_FOLDERS for path in home.glob(f"{folder}/*/History")]
    return [Profile(FIREFOX, p.resolve()) for p in sorted(firefox) if p.is_file()] + [
        Profile(CHROMIUM, p.resolve()) for p in sorted(chromium) if p.is_file()
    ]


def profile(browser: str, path: str | Path) -> Profile:
    """The profile a user named, by its history file or by its profile folder."""
    schema = _SCHEMAS[browser]
    given = Path(path).expanduser().resolve()
    database = given / schema.file_name if given.is_dir() else given
    if not database.is_file():
        raise TallyError(f"no {schema.label} history at {database}")
    return Profile(browser, database)


def read_visits(profile: Profile, since_utc: int | None) -> list[Visit]:
    """Visits from the start of second ``since_utc`` on (all when None), oldest first."""
    schema = _SCHEMAS[profile.browser]
    since_us = (since_utc or 0) * US
    try:
        with tempfile.TemporaryDirectory(prefix="tally-history-") as folder:
            copy = _copy(profile.path, Path(folder))
            _roll_back_unfinished(copy)
            with closing(sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)) as conn:
                rows = conn.execute(schema.query, {"since": since_us, "offset": schema.offset_us})
                return [Visit(at_us, url) for at_us, url in rows]
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise TallyError(
            f"cannot read the {schema.label} history {profile.path}: {reason}"
        ) from exc


def _copy(live: Path, folder: Path) -> Path:
    """Copy the database with its -wal and -journal into ``folder``; again (bounded) when the
    browser wrote meanwhile, since files copied during a write may not belong together."""
    copy = folder / live.name
    for _ in range(COPY_ATTEMPTS):
        before = _state(live)
        if "" not in before:
            raise FileNotFoundError(2, "No such file or directory", str(live))
        for suffix in COMPANIONS:
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        for suffix in before:
            with suppress(FileNotFoundError):  # a journal deleted at commit; _state differs
                shutil.copyfile(f"{live}{suffix}", f"{copy}{suffix}")
        if _state(live) == before:
            break
    return copy


def _state(live: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of the database and its companions that exist."""
    found = {}
    for suffix in COMPANIONS:
        with suppress(FileNotFoundError):
            info = Path(f"{live}{suffix}").stat()
            found[suffix] = (info.st_size, info.st_mtime_ns)
    return found


def _roll_back_unfinished(copy: Path) -> None:
    """Undo a write the browser was in the middle of (a hot -journal was copied). SQLite
    refuses that on a read-only connection; the copy is private, so writing it is harmless."""
    if Path(f"{copy}-journal").exists():
        with closing(sqlite3.connect(f"{copy.as_uri()}?mode=rw", uri=True)) as conn:
            conn.execute("PRAGMA schema_version").fetchone()
