"""Fitting text into table cells."""

from __future__ import annotations


def cut(text: str, width: int) -> str:
    """``text`` shortened to ``width`` with an ellipsis; the whole text is in the dialogs."""
    return text if len(text) <= width else text[: width - 1] + "…"
