"""The footer shows every key of the area on the bottom line, greyed when it does not apply,
the command palette's key on the right; it follows the screen's bindings, and a click
presses the key under the pointer."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Label

from tallytui.ui.widgets.key_footer import KeyFooter

WIDTH = 60


class Area(Screen):
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("d", "delete", "Delete"),
        Binding("x", "delete", "Delete too"),  # a second key for the same action
        Binding("h", "hidden", "Hidden", show=False),
    ]

    deletable = False  # Delete is greyed until then
    addable = True  # Add is not shown at all when False
    added = 0

    def compose(self):
        yield Label("area")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "delete" and not self.deletable:
            return None
        if action == "add":
            return self.addable
        return True

    def action_add(self) -> None:
        self.added += 1


class Shell(App):
    bells = 0

    def on_mount(self) -> None:
        self.push_screen(Area())

    def bell(self) -> None:
        self.bells += 1


def _bottom_line(app) -> list[tuple[str, str]]:
    """The bottom line as painted: (text, foreground colour) per run of text. Textual
    paints dim text in a colour between the foreground and the background."""
    strip = app.screen._compositor.render_strips()[-1]
    return [(text, str(style.color)) for text, style, _ in strip]


def _text(app) -> str:
    return "".join(text for text, _ in _bottom_line(app))


def _colour(app, text: str) -> str:
    colours = {colour for run, colour in _bottom_line(app) if text in run}
    assert len(colours) == 1, f"{text!r} is not on the bottom line once: {_text(app)!r}"
    return colours.pop()


async def _refreshed(app, pilot) -> None:
    app.screen.refresh_bindings()
    await pilot.pause()
    await pilot.pause()


async def test_footer_shows_one_key_per_action_and_greys_those_that_do_not_apply():
    app = Shell()
    async with app.run_test(size=(WIDTH, 5)) as pilot:
        await _refreshed(app, pilot)
        line = _text(app)
        assert line.startswith(" a Add  d Delete ")
        assert "Delete too" not in line and "Hidden" not in line
        assert line.endswith("▏ ^p palette ") and len(line) == WIDTH
        assert _colour(app, "Delete") != _colour(app, "Add")  # greyed

        app.screen.deletable = True
        await _refreshed(app, pilot)
        assert _colour(app, "Delete") == _colour(app, "Add")

        app.screen.addable = False
        await _refreshed(app, pilot)
        assert _text(app).startswith(" d Delete ") and "Add" not in _text(app)


async def test_footer_keys_cut_under_the_palette_key_when_they_do_not_fit():
    app = Shell()
    async with app.run_test(size=(24, 5)) as pilot:
        await _refreshed(app, pilot)
        assert _text(app) == " a Add  d D▏ ^p palette "


async def test_a_click_presses_the_key_under_the_pointer_or_rings_when_it_does_not_apply():
    app = Shell()
    async with app.run_test(size=(WIDTH, 5)) as pilot:
        await _refreshed(app, pilot)
        screen = app.screen
        await pilot.click(KeyFooter, offset=(2, 0))  # on "a Add"
        await pilot.pause()
        assert screen.added == 1 and app.bells == 0

        await pilot.click(KeyFooter, offset=(9, 0))  # on the greyed "d Delete"
        await pilot.pause()
        assert screen.added == 1 and app.bells == 1

        await pilot.click(KeyFooter, offset=(WIDTH - 4, 0))  # on "^p palette"
        await pilot.pause()
        assert app.screen is not screen  # the command palette opened
