"""``tally status`` without click, peewee or the services: it runs on every shell prompt
and tmux status line, every few seconds, so it reads the running timer with the standard
library's ``sqlite3`` and prints through ``status_text`` as the full command does.

Anything it is not sure of (PostgreSQL, a missing file, an older schema, an unknown user,
an option it does not read, a clock it cannot parse) answers None: the full command runs
and says what is wrong."""

from __future__ import annotations

import os
import sys

GLOBALS = {"--db": "TALLY_DB", "--user": "TALLY_USER"}
# Plain os.path, no pathlib, nor typing or collections.abc: each import is time on every prompt.
MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "store", "migrations")

TIMER = (
    "SELECT u.name, p.name, c.name, t.description, t.start_utc FROM running_timer t "
    "JOIN app_user u ON u.id = t.user_id JOIN project p ON p.id = t.project_id "
    "JOIN client c ON c.id = p.client_id WHERE u.name = ?"
)


def _arguments(argv: list[str], environ) -> tuple[dict, bool] | None:
    """The global options (as the click group reads them, before the command) and
    whether ``--json`` follows ``status``; None for anything else."""
    given: dict[str, str] = {}
    words = list(argv)
    while words and words[0] != "status":
        option, equals, value = words.pop(0).partition("=")
        if option not in GLOBALS:
            return None
        if not equals:
            value = words.pop(0) if words else ""
        if not value or value.startswith("-"):
            return None
        given[option] = value
    if words[1:] not in ([], ["--json"]) or not words:
        return None
    values = {
        flag: given.get(flag) or environ.get(variable) or None for flag, variable in GLOBALS.items()
    }
    return values, words[1:] == ["--json"]


def _now(environ) -> int | None:
    """``services.clock.now_utc`` without its parser: ``TALLY_NOW`` as ISO 8601 with an
    offset, to the second; any other shape goes to the full path."""
    frozen = environ.get("TALLY_NOW")
    if not frozen:
        import time

        return int(time.time())
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(frozen.strip())
    except ValueError:
        return None
    if moment.tzinfo is None or moment.microsecond:
        return None
    return int(moment.timestamp())


def _newest_migration() -> int:
    return max(int(name[:4]) for name in os.listdir(MIGRATIONS) if name.endswith(".sql"))


def _default_path() -> str | None:
    """``locations.default_path`` on Linux without importing platformdirs; elsewhere None."""
    if sys.platform != "linux":
        return None
    data = os.environ.get("XDG_DATA_HOME", "").strip() or os.path.expanduser("~/.local/share")
    return os.path.join(data, "tallytui", "tally.db")


def answer(argv: list[str], environ) -> str | None:
    """What ``tally status [--json]`` prints for these arguments, or None."""
    parsed = _arguments(argv, environ)
    if parsed is None:
        return None
    values, as_json = parsed
    url = values["--db"] or _default_path()
    now = _now(environ)
    if url is None or now is None or url.startswith(("postgresql://", "postgres://")):
        return None
    path = os.path.expanduser(url.removeprefix("sqlite:///"))
    if not os.path.isfile(path):
        return None
    if values["--user"]:
        user = values["--user"]
    else:
        import getpass

        user = getpass.getuser()
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=10) as connection:
            return _read(connection, user, now, as_json)
    except sqlite3.Error:
        return None


def _read(connection, user: str, now: int, as_json: bool) -> str | None:
    from . import status_text

    (version,) = connection.execute("SELECT MAX(version) FROM schema_migration").fetchone()
    zone = connection.execute("SELECT timezone FROM organisation ORDER BY id LIMIT 1").fetchone()
    known = connection.execute("SELECT 1 FROM app_user WHERE name = ?", (user,)).fetchone()
    if version != _newest_migration() or zone is None or known is None:
        return None
    row = connection.execute(TIMER, (user,)).fetchone()
    timer = None if row is None else status_text.Running(*row)
    if as_json:
        return status_text.as_json(user, timer, now)
    return status_text.text(timer, now, zone[0])
