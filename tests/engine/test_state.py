"""The state table: which moves are allowed, and that refused moves change nothing."""

from __future__ import annotations

import pytest

from voicelive_desktop.engine import SessionState
from voicelive_desktop.engine.state import (
    ALLOWED_TRANSITIONS,
    SessionStateMachine,
    is_allowed,
)

S = SessionState


def test_every_state_has_a_row_and_every_state_can_reach_disconnected() -> None:
    assert set(ALLOWED_TRANSITIONS) == set(SessionState)
    for state in SessionState:
        seen, frontier = {state}, [state]
        while frontier:
            for nxt in ALLOWED_TRANSITIONS[frontier.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert S.DISCONNECTED in seen, state


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.DISCONNECTED, S.READY),
        (S.DISCONNECTED, S.ASSISTANT_SPEAKING),
        (S.CONNECTING, S.ASSISTANT_SPEAKING),
        (S.RECONNECTING, S.USER_SPEAKING),
        (S.RECONNECTING, S.THINKING),
        (S.CLOSING, S.READY),
        (S.CLOSING, S.RECONNECTING),
    ],
)
def test_forbidden_moves(current: SessionState, target: SessionState) -> None:
    assert not is_allowed(current, target)


def test_a_conversation_walks_through_the_table_and_reports_each_move() -> None:
    moves: list[tuple[SessionState, SessionState]] = []
    machine = SessionStateMachine(lambda new, old: moves.append((old, new)))
    path = [
        S.CONNECTING,
        S.READY,
        S.USER_SPEAKING,
        S.THINKING,
        S.ASSISTANT_SPEAKING,
        S.USER_SPEAKING,  # barge-in
        S.THINKING,
        S.ASSISTANT_SPEAKING,
        S.READY,
        S.RECONNECTING,
        S.READY,
        S.CLOSING,
        S.DISCONNECTED,
    ]
    for target in path:
        assert machine.advance(target)
    assert [new for _, new in moves] == path
    assert machine.refused_transitions == 0


def test_refused_move_keeps_state_and_is_counted_not_raised() -> None:
    moves: list[SessionState] = []
    machine = SessionStateMachine(lambda new, old: moves.append(new))
    assert machine.advance(S.ASSISTANT_SPEAKING) is False
    assert machine.state is S.DISCONNECTED
    assert machine.refused_transitions == 1
    assert moves == []


def test_staying_put_is_not_a_move() -> None:
    moves: list[SessionState] = []
    machine = SessionStateMachine(lambda new, old: moves.append(new))
    machine.advance(S.CONNECTING)
    assert machine.advance(S.CONNECTING)
    assert moves == [S.CONNECTING]
