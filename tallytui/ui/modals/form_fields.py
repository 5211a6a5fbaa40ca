"""Reading a form's text fields, shared by the forms that edit a stored record."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input


class FormFields:
    """For a ``ModalScreen`` whose ``current`` is the record it edits (None for a new one)."""

    current: object | None = None

    def _text(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    def _checked(self, name: str, check: Callable[[str, str], str], label: str) -> str | None:
        """The field checked, or None when it is as stored: a value kept from before its
        check existed does not stand in the way of changing something else."""
        text = self._text(name)
        if self.current is not None and text == getattr(self.current, name):
            return None
        return check(text, label)
