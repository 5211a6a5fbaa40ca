"""Text in table cells (tables cut what does not fit themselves: ui/widgets/plain_table)."""

from __future__ import annotations


def hours(seconds: int) -> str:
    """Hours with two decimals, as every table of the interface shows them."""
    return f"{seconds / 3600:.2f}"
