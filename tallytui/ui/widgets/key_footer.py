"""The footer of every area: its keys on one line, greyed where they do not apply."""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

_GREYED = Style(dim=True)
_SEPARATOR = "▏"


class _Key(NamedTuple):
    key: str  # what a click presses
    shown: str  # how the key is written
    description: str
    usable: bool


class KeyFooter(Widget, can_focus=False):
    """The screen's keys, drawn as one line of text.

    Textual's Footer builds a widget per key: 24 of the review's 32 widgets, styled, laid
    out and rebuilt at start-up and on every area or tab switch. This footer draws the
    same keys, with the keys panel's and the command palette's kept on the right, and
    redraws whenever the screen's bindings change.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description", "key-footer--separator"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-footer--separator {
            color: $foreground 20%;
        }
    }
    """

    PINNED = frozenset({"app.keys"})  # binding ids drawn on the right with the palette's
    _spans: list[tuple[int, int, _Key]] = []  # columns of each key as last drawn

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        self.refresh()

    def keys(self) -> tuple[list[_Key], list[_Key]]:
        """The keys shown, one per action (that of its first binding): the area's on the
        left, and on the right those that must never be cut off, which say where the
        others are (the keys panel, the command palette)."""
        app = self.app
        palette = app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None
        left: dict[str, _Key] = {}
        right: dict[str, _Key] = {}
        for key, (_, binding, usable, _) in self.screen.active_bindings.items():
            shown = _Key(binding.key, app.get_key_display(binding), binding.description, usable)
            pinned = key == palette or binding.id in self.PINNED
            shown_already = binding.action in left or binding.action in right
            if (binding.show or pinned) and not shown_already:
                (right if pinned else left)[binding.action] = shown
        return list(left.values()), sorted(right.values(), key=lambda k: k.key == palette)

    def render(self) -> Text:
        left, right = self.keys()
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        spans = [self._draw(line, key, key_style, description_style) for key in left]
        if right:
            pinned = Text(_SEPARATOR, self.get_component_rich_style("key-footer--separator"))
            drawn = [self._draw(pinned, key, key_style, description_style) for key in right]
            at = max(0, self.size.width - len(pinned))
            line.truncate(at, pad=True)
            line.append_text(pinned)
            spans += [(at + start, at + end, key) for start, end, key in drawn]
        self._spans = spans
        return line

    @staticmethod
    def _draw(line: Text, key: _Key, key_style: Style, description_style: Style):
        """Append `` key description `` as Textual's footer writes it; a key that does not
        apply is greyed."""
        grey = Style() if key.usable else _GREYED
        start = len(line)
        line.append(f" {key.shown} ", key_style + grey)
        if key.description:
            line.append(f"{key.description} ", description_style + grey)
        return start, len(line), key

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click presses the key under the pointer, or rings if it does not apply."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                if key.usable:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return
