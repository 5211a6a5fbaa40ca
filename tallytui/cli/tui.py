"""``tally`` without a command: the terminal interface."""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence

from .settings import DATABASE, USER, Settings, refusals

OPTIONS = {option.flag: option for option in (DATABASE, USER)}


def tui_settings(argv: Sequence[str], environ: Mapping[str, str]) -> Settings | None:
    """The settings of ``tally`` run without a command, read as the click group reads
    them, or None for any other arguments: click reads those, and says what is wrong.

    An empty value, or one that starts with a dash, goes to click too: it would take
    either, but each is more likely a slip than a file or a name."""
    given: dict[str, str] = {}
    words = iter(argv)
    for word in words:
        option, equals, value = word.partition("=")
        if option not in OPTIONS:
            return None
        if not equals:
            value = next(words, "")
        if not value or value.startswith("-"):
            return None
        given[option] = value
    return Settings(
        **{
            option.field: given.get(flag) or environ.get(option.variable) or None
            for flag, option in OPTIONS.items()
        }
    )


def open_tui(settings: Settings) -> None:
    """Open the database first, so a bad ``--db`` is an ``error:`` line, not a broken screen.

    This week is read here too, before the interface starts: the first frame shows it, and
    the read does not compete with the building of the screen for the interpreter.

    The garbage collector stays off until the first screen shows (the app turns it back
    on): start-up creates some 80,000 objects that live for the whole session and few
    cycles, and the collections they set off took about 30 ms of the first paint.
    """
    gc.disable()
    from ..services import org, review
    from ..store.db import resolve_url
    from ..ui.app import TallyApp
    from ..ui.config import load_keymap
    from ..ui.context import Session

    with refusals():
        settings.open()
        current = org.current()  # the acting user was checked by open()
        week = review.week(org.local_today(current), settings.actor)
    app = TallyApp(
        Session(settings.actor, resolve_url(settings.db_url)),
        current.timezone,
        load_keymap(),
        first_week=week,
    )
    app.run()
