"""What ``tally status`` prints, from plain values: the quick path (stdlib ``sqlite3``,
``cli/quick_status.py``) and the full one (the services) both print through here, so the
two cannot differ. Standard library only: this runs on every shell prompt."""

from __future__ import annotations

from datetime import UTC, datetime

from ..domain.timer import elapsed

IDLE_TEXT = "no timer running"


class Running:
    """The running timer as both paths read it (a plain class: importing ``typing`` for a
    named tuple would cost the prompt more than reading the database)."""

    __slots__ = ("user", "project", "client", "description", "start_utc")

    def __init__(self, user: str, project: str, client: str, description: str, start_utc: int):
        self.user, self.project, self.client = user, project, client
        self.description, self.start_utc = description, start_utc


def text(timer: Running | None, now: int, tz: str) -> str:
    """``Web 1:05 since 09:00``: short enough for a prompt or a tmux status line."""
    if timer is None:
        return IDLE_TEXT
    from zoneinfo import ZoneInfo

    since = datetime.fromtimestamp(timer.start_utc, ZoneInfo(tz))
    today = datetime.fromtimestamp(now, ZoneInfo(tz)).date()
    shown = since.strftime("%H:%M" if since.date() == today else "%a %H:%M")
    return f"{timer.project} {elapsed(max(0, now - timer.start_utc))} since {shown}"


def as_json(user: str, timer: Running | None, now: int) -> str:
    """What ``json.dumps(..., ensure_ascii=False, indent=2)`` makes of the status, written
    with the C encoder of strings alone: the ``json`` package imports ``re``, a tenth of
    the prompt's time."""
    from _json import encode_basestring

    data: dict = {"running": timer is not None, "user": user}
    if timer is not None:
        data |= {
            "project": timer.project,
            "client": timer.client,
            "description": timer.description,
            "start": datetime.fromtimestamp(timer.start_utc, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "seconds": max(0, now - timer.start_utc),
        }
    fields = (
        f"  {encode_basestring(key)}: {_value(value, encode_basestring)}"
        for key, value in data.items()
    )
    return "{\n" + ",\n".join(fields) + "\n}"


def _value(value, encode) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int) else encode(value)
