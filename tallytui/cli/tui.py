"""``tally`` without a command: the terminal interface."""

from __future__ import annotations

import gc

from .app import Settings


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
