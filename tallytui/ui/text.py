"""Fitting text into table cells."""

from __future__ import annotations


def cut(text: str, width: int) -> str:
    """``text`` shortened to ``width`` with an ellipsis; the whole text is in the dialogs."""
    return text if len(text) <= width else text[: width - 1] + "…"


def hours(seconds: int) -> str:
    """Hours with two decimals, as every table of the interface shows them."""
    return f"{seconds / 3600:.2f}"
