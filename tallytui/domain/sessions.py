"""Sessions from heartbeats: when someone worked on what, as a list of non-overlapping spans.

Each heartbeat says "working on project P at t". The time from one heartbeat to the next
belongs to the project of the earlier one (the most recent at every instant), unless the
gap is longer than the idle timeout: then the session ended, and the last heartbeat of a
session counts for a short tail. Consecutive spans of one project form one session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

DEFAULT_IDLE = 15 * 60
TAIL = 2 * 60  # what a lone save, or the last one before a pause, stands for


@dataclass(frozen=True, order=True)
class Beat:
    at: int
    project_id: int


@dataclass(frozen=True)
class Session:
    project_id: int
    start: int
    end: int


def derive(beats: Sequence[Beat], idle: int = DEFAULT_IDLE, tail: int = TAIL) -> list[Session]:
    """Sessions of one person from their heartbeats (any order)."""
    tail = min(tail, idle)
    ordered = sorted(beats)
    result: list[Session] = []
    for index, beat in enumerate(ordered):
        following = ordered[index + 1].at if index + 1 < len(ordered) else None
        end = following if following is not None and following - beat.at <= idle else beat.at + tail
        if end <= beat.at:
            continue  # two projects saved in the same second: the later one takes over
        last = result[-1] if result else None
        if last and last.project_id == beat.project_id and last.end >= beat.at:
            result[-1] = Session(last.project_id, last.start, max(last.end, end))
        else:
            result.append(Session(beat.project_id, beat.at, end))
    return result


def subtract(sessions: Iterable[Session], blocked: Iterable[tuple[int, int]]) -> list[Session]:
    """Cut the ``blocked`` spans (time already accounted for) out of ``sessions``."""
    spans = sorted(blocked)
    result: list[Session] = []
    for session in sessions:
        start = session.start
        for block_start, block_end in spans:
            if block_end <= start or block_start >= session.end:
                continue
            if block_start > start:
                result.append(Session(session.project_id, start, block_start))
            start = max(start, block_end)
            if start >= session.end:
                break
        if start < session.end:
            result.append(Session(session.project_id, start, session.end))
    return result
