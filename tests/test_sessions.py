"""Sessions from heartbeats (domain/sessions.py).

DESIGN.md, "Capture rules": a gap longer than the idle timeout ends a session; sessions of
one person never overlap; when two projects' heartbeats interleave, time goes to the
project of the most recent heartbeat. A lone heartbeat stands for a short tail.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from tallytui.domain.sessions import DEFAULT_IDLE, TAIL, Beat, Session, derive, subtract

A, B, C = 1, 2, 3
MIN = 60


def assert_no_overlap(sessions: list[Session]) -> None:
    for earlier, later in zip(sessions, sessions[1:], strict=False):
        assert earlier.end <= later.start, (earlier, later)


# --------------------------------------------------------------------------------------
# derive
# --------------------------------------------------------------------------------------


def test_constants_match_the_design():
    assert DEFAULT_IDLE == 15 * MIN
    assert TAIL == 2 * MIN


def test_no_heartbeats_no_sessions():
    assert derive([]) == []


def test_a_lone_heartbeat_lasts_the_tail():
    assert derive([Beat(1_000, A)]) == [Session(A, 1_000, 1_000 + TAIL)]


def test_the_tail_never_exceeds_the_idle_timeout():
    assert derive([Beat(0, A)], idle=30) == [Session(A, 0, 30)]


def test_heartbeats_within_idle_form_one_session_ending_with_the_tail():
    beats = [Beat(0, A), Beat(5 * MIN, A), Beat(12 * MIN, A)]
    assert derive(beats) == [Session(A, 0, 12 * MIN + TAIL)]


def test_a_gap_longer_than_idle_starts_a_new_session():
    idle = 15 * MIN
    beats = [Beat(0, A), Beat(10 * MIN, A), Beat(10 * MIN + idle + 1, A)]
    assert derive(beats, idle=idle) == [
        Session(A, 0, 10 * MIN + TAIL),
        Session(A, 10 * MIN + idle + 1, 10 * MIN + idle + 1 + TAIL),
    ]


def test_a_gap_of_exactly_idle_does_not_split():
    idle = 15 * MIN
    beats = [Beat(0, A), Beat(idle, A), Beat(2 * idle, A)]
    assert derive(beats, idle=idle) == [Session(A, 0, 2 * idle + TAIL)]


def test_a_gap_beyond_idle_between_two_projects_leaves_the_pause_unaccounted():
    beats = [Beat(0, A), Beat(20 * MIN, B)]
    assert derive(beats) == [Session(A, 0, TAIL), Session(B, 20 * MIN, 20 * MIN + TAIL)]


def test_interleaved_projects_give_time_to_the_most_recent_heartbeat():
    beats = [
        Beat(0, A),
        Beat(100, B),
        Beat(200, A),
        Beat(300, A),
        Beat(400, B),
        Beat(450, C),
    ]
    sessions = derive(beats)
    assert sessions == [
        Session(A, 0, 100),
        Session(B, 100, 200),
        Session(A, 200, 400),
        Session(B, 400, 450),
        Session(C, 450, 450 + TAIL),
    ]
    assert_no_overlap(sessions)


def test_a_switch_just_before_a_pause_ends_the_earlier_project_at_the_switch():
    beats = [Beat(0, A), Beat(60, B), Beat(60 + 16 * MIN, A)]
    assert derive(beats) == [
        Session(A, 0, 60),
        Session(B, 60, 60 + TAIL),
        Session(A, 60 + 16 * MIN, 60 + 16 * MIN + TAIL),
    ]


def test_same_second_heartbeats_of_two_projects_do_not_overlap():
    beats = [Beat(0, A), Beat(0, B), Beat(300, A)]
    sessions = derive(beats)
    assert_no_overlap(sessions)
    assert all(s.end > s.start for s in sessions)
    # One project owns [0, 300); A owns from its heartbeat at 300 on; nothing is lost.
    assert sessions[0].start == 0 and sessions[0].project_id in (A, B)
    assert sessions[-1] == Session(A, 300 if len(sessions) == 2 else 0, 300 + TAIL)
    assert sum(s.end - s.start for s in sessions) == 300 + TAIL
    # The outcome does not depend on the order the beats were given in.
    assert derive(list(reversed(beats))) == sessions


def test_duplicate_heartbeats_count_once():
    assert derive([Beat(0, A), Beat(0, A), Beat(60, A), Beat(60, A)]) == [Session(A, 0, 60 + TAIL)]


def test_unsorted_input_gives_the_same_sessions():
    beats = [Beat(t, p) for t, p in [(0, A), (90, B), (200, B), (260, A), (2_000, A), (2_030, C)]]
    expected = derive(beats)
    shuffler = random.Random(7)
    for _ in range(20):
        shuffled = beats[:]
        shuffler.shuffle(shuffled)
        assert derive(shuffled) == expected


beats_strategy = st.lists(
    st.builds(Beat, st.integers(0, 20_000), st.integers(1, 3)), min_size=1, max_size=60
)


@settings(max_examples=300, deadline=None)
@given(beats=beats_strategy, idle=st.integers(1, 3_600))
def test_derived_sessions_are_sorted_disjoint_and_bounded(beats, idle):
    sessions = derive(beats, idle=idle)
    assert sessions, "at least one heartbeat gives at least one session"
    assert sessions == sorted(sessions, key=lambda s: s.start)
    assert_no_overlap(sessions)
    assert all(s.end - s.start >= 1 for s in sessions)
    first, last = min(b.at for b in beats), max(b.at for b in beats)
    assert sum(s.end - s.start for s in sessions) <= last - first + TAIL
    assert sessions[0].start == first
    assert max(s.end for s in sessions) == last + min(TAIL, idle)
    times = {b.at for b in beats}
    for session in sessions:
        assert session.start in times
        # Time goes to the most recent heartbeat: no other project's heartbeat lies inside
        # (unless the session's own project saved in that same second too).
        own = {b.at for b in beats if b.project_id == session.project_id}
        for beat in beats:
            if beat.project_id != session.project_id and beat.at not in own:
                assert not session.start < beat.at < session.end, (beat, session)
    # Consecutive spans of one project form one session.
    for earlier, later in zip(sessions, sessions[1:], strict=False):
        assert earlier.project_id != later.project_id or earlier.end < later.start


@settings(max_examples=100, deadline=None)
@given(beats=beats_strategy, seed=st.integers(0, 2**32 - 1))
def test_derive_ignores_input_order(beats, seed):
    shuffled = beats[:]
    random.Random(seed).shuffle(shuffled)
    assert derive(shuffled) == derive(beats)


# --------------------------------------------------------------------------------------
# subtract
# --------------------------------------------------------------------------------------

SESSION = Session(A, 100, 200)


def test_a_block_over_the_start_trims_the_start():
    assert subtract([SESSION], [(50, 120)]) == [Session(A, 120, 200)]


def test_a_block_over_the_end_trims_the_end():
    assert subtract([SESSION], [(150, 250)]) == [Session(A, 100, 150)]


def test_a_block_in_the_middle_splits_the_session():
    assert subtract([SESSION], [(130, 160)]) == [Session(A, 100, 130), Session(A, 160, 200)]


def test_a_block_covering_the_whole_session_removes_it():
    assert subtract([SESSION], [(100, 200)]) == []
    assert subtract([SESSION], [(0, 300)]) == []


def test_touching_or_distant_blocks_leave_the_session_alone():
    assert subtract([SESSION], [(0, 100), (200, 300), (500, 600)]) == [SESSION]
    assert subtract([SESSION], []) == [SESSION]


def test_several_unsorted_and_overlapping_blocks():
    blocks = [(180, 190), (110, 130), (120, 140), (100, 105)]
    assert subtract([SESSION], blocks) == [
        Session(A, 105, 110),
        Session(A, 140, 180),
        Session(A, 190, 200),
    ]


def test_blocks_cut_every_session_they_touch():
    sessions = [Session(A, 0, 100), Session(B, 100, 200), Session(C, 300, 400)]
    assert subtract(sessions, [(50, 150), (350, 360)]) == [
        Session(A, 0, 50),
        Session(B, 150, 200),
        Session(C, 300, 350),
        Session(C, 360, 400),
    ]


@st.composite
def disjoint_sessions(draw):
    sessions, at = [], draw(st.integers(0, 50))
    for gap, length, project in draw(
        st.lists(st.tuples(st.integers(0, 60), st.integers(1, 120), st.integers(1, 3)), max_size=12)
    ):
        at += gap
        sessions.append(Session(project, at, at + length))
        at += length
    return sessions


blocks_strategy = st.lists(
    st.tuples(st.integers(0, 1_500), st.integers(1, 300)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=10,
)


@settings(max_examples=300, deadline=None)
@given(sessions=disjoint_sessions(), blocks=blocks_strategy)
def test_subtract_never_overlaps_a_block_and_stays_inside_the_sessions(sessions, blocks):
    result = subtract(sessions, blocks)
    assert all(piece.end > piece.start for piece in result)
    for piece in result:
        for start, end in blocks:
            assert piece.end <= start or piece.start >= end, (piece, (start, end))
        assert any(
            s.project_id == piece.project_id and s.start <= piece.start and piece.end <= s.end
            for s in sessions
        ), piece
    assert_no_overlap(result)
    # Exactly the session seconds outside every block remain, each with its project.
    blocked = {t for start, end in blocks for t in range(start, end)}
    expected = {(s.project_id, t) for s in sessions for t in range(s.start, s.end)}
    expected = {(p, t) for p, t in expected if t not in blocked}
    kept = [(p.project_id, t) for p in result for t in range(p.start, p.end)]
    assert len(kept) == len(set(kept))
    assert set(kept) == expected
