"""The session state machine: the one table of allowed SessionState transitions."""

from __future__ import annotations

import logging
from collections.abc import Callable

from voicelive_desktop.engine.events import SessionState

log = logging.getLogger(__name__)

_S = SessionState

# Every way out of a connected state is listed once here; nothing else decides transitions.
_LEAVE = frozenset({_S.RECONNECTING, _S.CLOSING, _S.DISCONNECTED})
_TALK = frozenset({_S.READY, _S.USER_SPEAKING, _S.THINKING, _S.ASSISTANT_SPEAKING})

ALLOWED_TRANSITIONS: dict[SessionState, frozenset[SessionState]] = {
    _S.DISCONNECTED: frozenset({_S.CONNECTING}),
    _S.CONNECTING: frozenset({_S.READY}) | _LEAVE,
    # In a conversation any talk state may follow any other (server events decide), or leave.
    _S.READY: (_TALK - {_S.READY}) | _LEAVE,
    _S.USER_SPEAKING: (_TALK - {_S.USER_SPEAKING}) | _LEAVE,
    _S.THINKING: (_TALK - {_S.THINKING}) | _LEAVE,
    _S.ASSISTANT_SPEAKING: (_TALK - {_S.ASSISTANT_SPEAKING}) | _LEAVE,
    # A reconnect ends READY once the session config is confirmed and context restored.
    _S.RECONNECTING: frozenset({_S.READY, _S.CLOSING, _S.DISCONNECTED}),
    _S.CLOSING: frozenset({_S.DISCONNECTED}),
}

# States in which a conversation is live (audio and text may be sent).
CONVERSATION_STATES = _TALK


def is_allowed(current: SessionState, target: SessionState) -> bool:
    """True when the table allows going from `current` to `target`."""
    return target in ALLOWED_TRANSITIONS[current]


class SessionStateMachine:
    """Holds the current SessionState and reports each allowed change to `on_change`."""

    def __init__(self, on_change: Callable[[SessionState, SessionState], None]) -> None:
        self._state = SessionState.DISCONNECTED
        self._on_change = on_change
        self.refused_transitions = 0

    @property
    def state(self) -> SessionState:
        return self._state

    @property
    def in_conversation(self) -> bool:
        return self._state in CONVERSATION_STATES

    def advance(self, target: SessionState) -> bool:
        """Move to `target` if the table allows it; staying put is a silent no-op.

        A refused move is logged and counted, not raised: server events decide many moves,
        and a surprising event order must never break the session.
        """
        if target is self._state:
            return True
        if not is_allowed(self._state, target):
            self.refused_transitions += 1
            log.debug("state: refused %s -> %s", self._state.value, target.value)
            return False
        previous, self._state = self._state, target
        self._on_change(target, previous)
        return True
