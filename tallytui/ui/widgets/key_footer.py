"""The footer of every area, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """Textual's footer rebuilds all of its keys whenever the screen's bindings are
    refreshed (focus moves, a load finishes, a row is chosen, a tab changes). With some
    twenty keys that is tens of milliseconds each time, and most refreshes change nothing
    it shows, or only which keys are greyed: those keys are updated where they are."""

    _shown: tuple | None = None  # the keys as last built, without whether they apply

    async def recompose(self) -> None:
        if not self._bindings_ready:
            await super().recompose()
            return
        bindings = [
            ((binding.key, binding.description, binding.action, binding.show, tooltip), usable)
            for (_, binding, usable, tooltip) in self.screen.active_bindings.values()
        ]
        keys = tuple(key for key, _ in bindings)
        if keys == self._shown:
            self._grey({key[2]: usable for key, usable in reversed(bindings)})
            return
        self._shown = keys
        await super().recompose()

    def _grey(self, usable: dict[str, bool]) -> None:
        """Grey the keys whose action does not apply now, as a rebuilt footer would; the
        footer shows one key per action, that of its first binding."""
        for key in self.query(FooterKey):
            off = not usable.get(key.action, True)
            if key.has_class("-disabled") != off:
                key._disabled = off  # what a click on the key checks
                key.set_class(off, "-disabled")
