"""The app's stylesheet, parsed once per set of theme variables."""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet


class ReusingStylesheet(Stylesheet):
    """Textual drops every parsed rule whenever the variables are set, even to the same
    values, and reparses into a fresh stylesheet that leaves its rules behind. An app
    with areas as modes did both while opening its first area: every source was parsed
    three times before the first paint (16 ms instead of 8). Here parsed rules are kept
    until a variable really changes, as when the theme does."""

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables != self._variables:
            super().set_variables(variables)

    def reparse(self) -> None:
        """Parse every source with the current variables, reusing what is parsed.

        A source that fails leaves the rules as they were and is remembered as invalid,
        as in Textual's own reparse."""
        self.parse()
