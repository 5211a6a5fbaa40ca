"""The footer of every area, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's footer rebuilds all of its keys whenever the screen's bindings are
    refreshed (focus moves, a load finishes, a row is chosen). With some twenty keys that
    is tens of milliseconds each time, and most refreshes change nothing it shows."""

    _shown: tuple | None = None

    def _keys(self) -> tuple:
        return tuple(
            (binding.key, binding.description, binding.action, binding.show, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
        )

    async def recompose(self) -> None:
        keys = self._keys() if self._bindings_ready else None
        if keys is not None and keys == self._shown:
            return
        self._shown = keys
        await super().recompose()
