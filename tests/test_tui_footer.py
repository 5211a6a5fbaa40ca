"""The footer shows every key of the area, greyed when it does not apply; it is rebuilt
only when the keys themselves change, and greys or ungreys keys where they are."""

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

    deletable = False  # Delete is greyed until then
    addable = True  # Add is not shown at all when False

    def compose(self):
        yield Label("area")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "delete" and not self.deletable:
            return None
        if action == "add":
            return self.addable
        return True


class Shell(App):
    def on_mount(self) -> None:
        self.push_screen(Area())


def _keys(screen) -> dict[str, FooterKey]:
    return {key.description: key for key in screen.query(FooterKey)}


def _greyed(key: FooterKey) -> bool:
    return key.has_class("-disabled")


async def _refreshed(screen, pilot) -> dict[str, FooterKey]:
    screen.refresh_bindings()
    await pilot.pause()
    return _keys(screen)


async def test_footer_greys_in_place_and_rebuilds_only_when_its_keys_change():
    app = Shell()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        before = _keys(screen)
        assert set(before) == {"Add", "Delete", "palette"}
        assert _greyed(before["Delete"]) and not _greyed(before["Add"])

        assert await _refreshed(screen, pilot) == before  # nothing changed: same widgets

        screen.deletable = True
        ungreyed = await _refreshed(screen, pilot)
        assert ungreyed == before and not _greyed(before["Delete"])  # changed in place

        screen.deletable = False
        assert _greyed((await _refreshed(screen, pilot))["Delete"])

        screen.addable = False
        rebuilt = await _refreshed(screen, pilot)
        assert set(rebuilt) == {"Delete", "palette"}
        assert rebuilt["Delete"] is not before["Delete"] and _greyed(rebuilt["Delete"])
