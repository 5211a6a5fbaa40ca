"""The application shell: areas as modes, one status line, errors as notifications."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import var

from ..domain.localtime import local_date
from .commands import PaletteCommands
from .context import Session
from .messages import ChangedElsewhere, DataChanged, Opened
from .screens.review import ReviewScreen
from .stylesheet import ReusingStylesheet
from .watch import ChangeWatcher

if TYPE_CHECKING:
    from ..services.views import TimerView


def styles_path() -> Path:
    """The stylesheet inside an installed wheel, or in the source tree."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "styles", package.parent / "styles"):
        if (candidate / "tally.tcss").is_file():
            return candidate / "tally.tcss"
    raise FileNotFoundError("tally.tcss is missing from the installation")


def _projects_screen():
    """Areas other than the review are imported when first opened, not at start-up."""
    from .screens.projects import ProjectsScreen

    return ProjectsScreen()


def _invoicing_screen():
    from .screens.invoicing import InvoicingScreen

    return InvoicingScreen()


def _approvals_screen():
    from .screens.approvals import ApprovalsScreen

    return ApprovalsScreen()


def _capture_screen():
    from .screens.capture import CaptureScreen

    return CaptureScreen()


def _reports_screen():
    from .screens.reports import ReportsScreen

    return ReportsScreen()


YOUNG_COLLECTED_EVERY = 10_000  # allocations between collections of the youngest objects


class TallyApp(App):
    TITLE = "tallytui"
    CSS_PATH = styles_path()
    MODES = {
        "review": ReviewScreen,
        "invoicing": _invoicing_screen,
        "projects": _projects_screen,
        "capture": _capture_screen,
        "approvals": _approvals_screen,
        "reports": _reports_screen,
    }
    DEFAULT_MODE = "review"
    # What every area's status line shows of the session, wherever it changed.
    locked_until: var[date | None] = var(None)  # the acting user's lock
    capture_running: var[bool] = var(False)
    running_timer: var[TimerView | None] = var(None)  # the acting user's, if one runs
    COMMANDS = {PaletteCommands}  # one provider: the same order on every opening
    BINDINGS = [
        Binding("f2", "switch_mode('review')", "Review", id="app.review"),
        Binding("f3", "switch_mode('projects')", "Clients & projects", id="app.projects"),
        Binding("f4", "switch_mode('capture')", "Capture", id="app.capture"),
        Binding("f5", "switch_mode('invoicing')", "Invoicing", id="app.invoicing"),
        Binding("f6", "switch_mode('approvals')", "Approvals", id="app.approvals"),
        Binding("f7", "import_file", "Import", id="app.import"),
        Binding("f8", "switch_mode('reports')", "Reports", id="app.reports"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="app.reload"),  # keys panel
        Binding("ctrl+q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "toggle_keys", "Keys", id="app.keys"),
    ]

    def __init__(
        self,
        session: Session,
        timezone: str | None = None,
        keymap: dict[str, str] | None = None,
        opening: Callable[[], str] | None = None,
    ) -> None:
        """Either the database is open and ``timezone`` is the organisation's, or
        ``opening`` opens it and returns that time zone: the app calls it in a worker once
        the first frame is on screen, and the areas load when it is done."""
        super().__init__()
        # The theme's variables were worked out for Textual's own stylesheet just now.
        self.stylesheet = ReusingStylesheet(variables=self.theme_variables)
        self.session = session
        self.timezone = timezone
        self.opening = opening
        self.writes = 0  # changes seen so far: areas shown again reload if it moved
        self.watcher: ChangeWatcher | None = None  # writes made elsewhere, once open
        self.collector_thresholds = gc.get_threshold()  # restored when the app closes
        if keymap:
            self.set_keymap(keymap)

    def action_toggle_keys(self) -> None:
        """A panel with every key of the area and what it does, for the keys the footer
        has no room for; the same key closes it."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text, whatever the caller asked: they quote names,
        descriptions and errors as typed, and ``[/b]`` in one would stop the app."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def action_help_quit(self) -> None:
        """ctrl+c copies in a text field and quits nowhere: say which key quits. Textual's
        own hint is markup, and every notification here is plain text."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(f"Press {key} to quit the app", title="Do you want to quit?")
                return

    def on_ready(self) -> None:
        """What lives for the whole session (modules, classes, styles, the first area) is
        set aside from the garbage collector once the first screen shows (the database
        layer, imported after it, once it is open): each full collection would otherwise
        walk all of it again, a pause of up to a hundred milliseconds in the middle of a
        keypress. `tally` starts with the collector off (see ``open_tui``); from here on
        it runs, and the database is opened, if the app was given ``opening``.

        Young objects are collected every 10,000 allocations instead of 700: loading a
        billing cycle of years builds tens of thousands of rows without a single cycle
        among them, and 80 collections during it took 15 to 35 ms; now four or five."""
        gc.freeze()
        gc.set_threshold(YOUNG_COLLECTED_EVERY, *self.collector_thresholds[1:])
        gc.enable()
        if self.is_open:
            self.follow_changes()
            self.read_timer()
        else:
            self.open_database()

    @property
    def is_open(self) -> bool:
        return self.timezone is not None

    @work(thread=True, exit_on_error=False, group="open")
    def open_database(self) -> None:
        """A database that cannot be opened, or a user it does not know, ends the app
        with the error as its result: the caller reports it once the terminal is back."""
        try:
            timezone = self.opening()
        except Exception as refused:
            self.call_from_thread(self.exit, refused, return_code=1)
        else:
            self.call_from_thread(self.opened, timezone)

    def opened(self, timezone: str) -> None:
        gc.freeze()
        self.timezone = timezone
        self.refresh_bindings()
        self.follow_changes()
        self.read_timer()
        self.screen.post_message(Opened())

    def follow_changes(self) -> None:
        """Watch for commits of other processes from now on (see ``ui/watch.py``)."""
        self.watcher = ChangeWatcher(
            self.session.database, lambda: self.post_message(ChangedElsewhere())
        )
        self.watcher.start()

    @work(thread=True, exclusive=True, exit_on_error=False, group="lock")
    def read_lock(self) -> None:
        """The acting user's lock, read after every write: any area, dialog or import may
        have moved it. The review, the first screen, sets it from each week it loads."""
        from ..services import timesheets
        from .screens.base import connection

        with connection():
            until = timesheets.locked_until(self.session.actor)
        self.call_from_thread(setattr, self, "locked_until", until)

    @work(thread=True, exclusive=True, exit_on_error=False, group="timer")
    def read_timer(self) -> None:
        """The acting user's running timer, read after every write, here or elsewhere (a
        timer started in another terminal shows within the watcher's second)."""
        from ..services import timer
        from .screens.base import connection

        with connection():
            running = timer.running(self.session.actor)
        self.call_from_thread(setattr, self, "running_timer", running)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Until the database is open, the other areas, the palette's jumps and import
        wait: each reads it as soon as it shows."""
        if not self.is_open and action in (
            "switch_mode",
            "import_file",
            "command_palette",
            "reload",
        ):
            return None
        return True

    def on_unmount(self) -> None:
        """Hand them back when the app closes: a process that goes on (tests, a caller
        embedding the app) collects them as usual."""
        gc.unfreeze()
        gc.set_threshold(*self.collector_thresholds)
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher.join(timeout=5)  # its connection closed before the process goes on

    @property
    def today(self) -> date:
        from ..services.clock import now_utc  # with the database layer, after the first frame

        return local_date(now_utc(), self.timezone)

    def action_import_file(self) -> None:
        """Another tool's export into this database: preview first, then confirm."""
        from .screens.importing import ImportScreen

        self.push_screen(ImportScreen())

    @on(DataChanged)
    def data_changed(self, event: DataChanged) -> None:
        """A write of this app: the area shown reloads now, and the watcher takes the
        commit as seen, so that it does not reload the area a second time."""
        self.show_changes(event.summary)

    @on(ChangedElsewhere)
    def changed_elsewhere(self) -> None:
        self.show_changes("changed elsewhere", absorbed=True)

    def action_reload(self) -> None:
        """Read the area shown again now, without waiting for the watcher."""
        self.show_changes("reloaded")

    def show_changes(self, summary: str, absorbed: bool = False) -> None:
        self.writes += 1
        if self.watcher is not None and not absorbed:
            self.watcher.absorb()
        self.screen.post_message(DataChanged(summary))
        self.read_lock()
        self.read_timer()
