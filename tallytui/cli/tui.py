"""``tally`` without a command: the terminal interface."""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from functools import partial

from .settings import DATABASE, USER, Settings, fail, refusals

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
    """Start the interface first and open the database after its first frame, as every
    other read is done: importing the database layer and the services, opening the file
    and reading the week took a fifth of the start. A bad ``--db`` or an unknown user
    still ends as one ``error:`` line and exit code 1, once the interface has closed.

    The garbage collector stays off until the first screen shows (the app turns it back
    on): start-up creates tens of thousands of objects that live for the whole session and
    few cycles, and the collections they set off took about 30 ms of the first paint.
    """
    gc.disable()
    from ..locations import missing_database, resolve_url
    from ..ui.app import TallyApp
    from ..ui.config import load_keymap
    from ..ui.context import Session

    url = resolve_url(settings.db_url)
    missing = missing_database(url)
    if missing:
        fail(missing)  # before the interface takes the terminal
    with refusals():
        keymap = load_keymap()
    app = TallyApp(
        Session(settings.actor, url),
        keymap=keymap,
        opening=partial(open_for_interface, settings),
    )
    refused = app.run()
    if isinstance(refused, Exception):
        with refusals():
            raise refused


def open_for_interface(settings: Settings) -> str:
    """Open the database and check the acting user, in the interface's worker; the
    organisation's time zone, which says what "this week" is."""
    from ..domain.errors import PermissionDenied
    from ..services import org
    from ..store.models import db

    try:
        started_as = settings.actor
        settings.open()
        if settings.actor != started_as:  # a login the URL and PGUSER did not name
            raise PermissionDenied(
                f"you are logged in as {settings.actor}: start tally with --user {settings.actor}"
            )
        return org.current().timezone
    finally:
        if db.obj is not None:  # not bound when the file could not even be created
            db.close()  # the worker's own connection: every later read opens its own
