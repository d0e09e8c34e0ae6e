"""Writes to the history store for one conversation at a time, never raising on failure."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from voicelive_desktop.history.records import Turn
from voicelive_desktop.history.store import HistoryStore, HistoryUnavailable
from voicelive_desktop.history.tool_call_record import ToolCallRecord
from voicelive_desktop.history.turn_usage import TurnUsage

log = logging.getLogger(__name__)


class ConversationWriter:
    """Owns the store and the id of the conversation being written. A write that fails is
    logged and its one-sentence reason passed to `on_failure`: the history must never stop
    a conversation."""

    def __init__(
        self,
        store: HistoryStore,
        conversation_id: str | None,
        on_failure: Callable[[str], None] | None,
    ) -> None:
        self._store = store
        self._on_failure = on_failure
        self.conversation_id = conversation_id or uuid.uuid4().hex

    def new_conversation(self) -> str:
        """Write into a new conversation from now on; returns its id."""
        self.conversation_id = uuid.uuid4().hex
        return self.conversation_id

    def write(self, turn: Turn) -> int | None:
        """Store a finished turn; its id, or None when it could not be stored."""
        try:
            return self._store.record_turn(self.conversation_id, turn)
        except HistoryUnavailable as error:
            self._report(error)
            return None

    def update(
        self,
        turn_id: int,
        *,
        interrupted: bool | None = None,
        latency_ms: float | None = None,
        usage: TurnUsage | None = None,
    ) -> None:
        """Add what was learnt after a turn was stored (a late barge-in, latency, usage)."""
        try:
            self._store.update_turn(
                turn_id, interrupted=interrupted, latency_ms=latency_ms, usage=usage
            )
        except HistoryUnavailable as error:
            self._report(error)

    def write_tool_call(self, turn_id: int | None, record: ToolCallRecord) -> None:
        """Store a finished tool call, with the user turn it answered when known."""
        try:
            self._store.record_tool_call(self.conversation_id, turn_id, record)
        except HistoryUnavailable as error:
            self._report(error)

    def close(self) -> None:
        """Close the store."""
        self._store.close()

    def _report(self, error: HistoryUnavailable) -> None:
        log.error("History not saved: %s", error)
        if self._on_failure is not None:
            self._on_failure(str(error))
