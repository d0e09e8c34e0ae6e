"""The user's side of the conversation as the service reports it: where each spoken turn
sits in the conversation, and its transcript as it streams, completes or fails.

Input transcription runs asynchronously with the response ("Input audio transcription is
not guaranteed to ... and runs asynchronously with Response creation, so this event may come
before or after the Response events": OpenAI Realtime reference,
`conversation.item.input_audio_transcription.completed`; the Voice Live reference says the
same). So a turn's place comes from `input_audio_buffer.committed` / `conversation.item
.created` (`previous_item_id`), and its text fills that place whenever it arrives.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from voicelive_desktop.engine.conversation_memory import ConversationMemory
from voicelive_desktop.engine.event_fields import text_field
from voicelive_desktop.engine.events import (
    EngineEvent,
    UserTranscriptCompleted,
    UserTranscriptDelta,
    UserTranscriptFailed,
    UserTurnCommitted,
)

log = logging.getLogger(__name__)

Handler = Callable[[Mapping[str, Any]], None]
_MAX_FAILURE_MESSAGE = 200


class UserTurnEvents:
    """Handles the user-turn server events for one session; `on_malformed` counts bad ones."""

    def __init__(
        self,
        emit: Callable[[EngineEvent], None],
        memory: ConversationMemory,
        on_malformed: Callable[[], None],
    ) -> None:
        self._emit = emit
        self._memory = memory
        self._malformed = on_malformed

    def handlers(self) -> dict[str, Handler]:
        prefix = "conversation.item.input_audio_transcription"
        return {
            "input_audio_buffer.committed": self._committed,
            "conversation.item.created": self._item_created,
            f"{prefix}.delta": self._delta,
            f"{prefix}.completed": self._completed,
            f"{prefix}.failed": self._failed,
        }

    def _committed(self, event: Mapping[str, Any]) -> None:
        item_id = text_field(event, "item_id")
        if not item_id:
            self._malformed()
            return
        previous = text_field(event, "previous_item_id") or ""
        self._memory.place(item_id, previous)
        self._emit(UserTurnCommitted(item_id, previous))

    def _item_created(self, event: Mapping[str, Any]) -> None:
        item = event.get("item")
        if not isinstance(item, Mapping):
            return
        item_id, previous = text_field(item, "id") or "", text_field(event, "previous_item_id")
        call_id = text_field(item, "call_id")
        if call_id and text_field(item, "type") in ("function_call", "function_call_output"):
            # A call and its output are one entry of the memory, placed where the call is.
            key = self._memory.call_key(call_id)
            self._memory.place(key, previous)
            previous = key
        if item_id:
            self._memory.place(item_id, previous)

    def _delta(self, event: Mapping[str, Any]) -> None:
        item_id, delta = text_field(event, "item_id"), text_field(event, "delta")
        if not item_id or delta is None:
            self._malformed()
            return
        if delta:
            self._emit(UserTranscriptDelta(item_id, delta))

    def _completed(self, event: Mapping[str, Any]) -> None:
        text = text_field(event, "transcript")
        if text is None:
            self._malformed()
            return
        item_id = text_field(event, "item_id") or ""
        self._emit(UserTranscriptCompleted(item_id, text))
        self._memory.remember("user", text, item_id)

    def _failed(self, event: Mapping[str, Any]) -> None:
        item_id = text_field(event, "item_id") or ""
        error = event.get("error")
        detail = text_field(error, "message") if isinstance(error, Mapping) else None
        message = (detail or "no details").strip()[:_MAX_FAILURE_MESSAGE]
        # The turn still counts (the model heard the audio); only its words are missing.
        log.info("input transcription failed for %s: %s", item_id or "a user turn", message)
        self._emit(UserTranscriptFailed(item_id, message))
