"""The footer shows every key of the area, greyed when it does not apply, and is rebuilt
only when that changes."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Label
from textual.widgets._footer import FooterKey

from tallytui.ui.widgets.key_footer import KeyFooter


class Area(Screen):
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("d", "delete", "Delete"),
    ]

    deletable = False

    def compose(self):
        yield Label("area")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return None if action == "delete" and not self.deletable else True


class Shell(App):
    def on_mount(self) -> None:
        self.push_screen(Area())


def _keys(screen) -> dict[str, FooterKey]:
    return {key.description: key for key in screen.query(FooterKey)}


def _greyed(key: FooterKey) -> bool:
    return key.has_class("-disabled")


async def test_footer_rebuilds_only_when_a_key_changes():
    app = Shell()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        before = _keys(screen)
        assert set(before) == {"Add", "Delete", "palette"}
        assert _greyed(before["Delete"]) and not _greyed(before["Add"])

        screen.refresh_bindings()  # nothing it shows changed
        await pilot.pause()
        assert _keys(screen) == before  # the very same widgets: not rebuilt

        screen.deletable = True
        screen.refresh_bindings()
        await pilot.pause()
        after = _keys(screen)
        assert not _greyed(after["Delete"])
        assert after["Add"] is not before["Add"]  # rebuilt
