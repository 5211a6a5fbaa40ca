"""Which entries may become one: merging must never invent time, move time to another
project or bill what was not billed, so only one person's entries of one project and one
billable state merge, and only over pauses of a few minutes."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Protocol

from .errors import InvalidInput

MERGE_GAP_MINUTES = 5  # the longest pause merged over: a coffee, not a lunch


class Piece(Protocol):
    """An entry as the review's snapshots and views both show it."""

    @property
    def id(self) -> int | None: ...
    @property
    def user(self) -> str: ...
    @property
    def project(self) -> str: ...
    @property
    def billable(self) -> bool: ...
    @property
    def start_utc(self) -> int: ...
    @property
    def end_utc(self) -> int: ...


def merged_span(pieces: Sequence[Piece]) -> tuple[int, int]:
    """Start and end of the entry ``pieces`` merge into, or InvalidInput saying why they
    may not merge."""
    if len(pieces) < 2:
        raise InvalidInput("merge: choose two or more adjacent entries")
    ordered = sorted(pieces, key=lambda piece: piece.start_utc)
    first = ordered[0]
    for piece in ordered[1:]:
        pair = f"merge: entries {first.id} and {piece.id}"
        if piece.user != first.user:
            raise InvalidInput(f"{pair} belong to different people ({first.user}, {piece.user})")
        if piece.project != first.project:
            raise InvalidInput(
                f"{pair} are on different projects ({first.project}, {piece.project}); "
                "only entries of one project merge"
            )
        if piece.billable != first.billable:
            raise InvalidInput(
                f"{pair} differ in billable state; mark them alike first to merge them"
            )
    for before, after in pairwise(ordered):
        gap = after.start_utc - before.end_utc
        if gap > MERGE_GAP_MINUTES * 60:
            raise InvalidInput(
                f"merge: the gap of {_minutes(gap)} between entries {before.id} and {after.id} "
                f"exceeds the limit of {MERGE_GAP_MINUTES} minutes"
            )
    return first.start_utc, max(piece.end_utc for piece in ordered)


def _minutes(seconds: int) -> str:
    minutes = -(-seconds // 60)  # a gap of 5 min 1 s is not "5 minutes"
    return f"{minutes} minutes" if minutes < 120 else f"{minutes} minutes ({minutes / 60:.1f} h)"
