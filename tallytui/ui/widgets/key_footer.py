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

    Textual's Footer builds a widget per key; with some twenty keys per area that was a
    third of the widgets on screen, styled, laid out and rebuilt at start-up and on every
    area or tab switch. This footer draws the same keys, the command palette's on the
    right, and redraws whenever the screen's bindings change.
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

    _spans: list[tuple[int, int, _Key]] = []  # columns of each key as last drawn

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        self.refresh()

    def keys(self) -> tuple[list[_Key], _Key | None]:
        """The keys shown, one per action (that of its first binding), and the command
        palette's key apart."""
        app = self.app
        palette_binding = app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None
        keys: dict[str, _Key] = {}
        palette = None
        for key, (_, binding, usable, _) in self.screen.active_bindings.items():
            shown = _Key(binding.key, app.get_key_display(binding), binding.description, usable)
            if key == palette_binding:
                palette = shown
            elif binding.show and binding.action not in keys:
                keys[binding.action] = shown
        return list(keys.values()), palette

    def render(self) -> Text:
        keys, palette = self.keys()
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        spans = [self._draw(line, key, key_style, description_style) for key in keys]
        if palette is not None:
            right = Text(_SEPARATOR, self.get_component_rich_style("key-footer--separator"))
            start, end, _ = self._draw(right, palette, key_style, description_style)
            at = max(0, self.size.width - len(right))
            line.truncate(at, pad=True)
            line.append_text(right)
            spans.append((at + start, at + end, palette))
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
