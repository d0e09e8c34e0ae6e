"""What the user sends the assistant: mic audio, typed messages, push-to-talk turns, barge-in."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable

from azure.ai.voicelive.models import (
    ConversationRequestItem,
    InputTextContentPart,
    UserMessageItem,
)

from voicelive_desktop.engine.barge_in import tell_server
from voicelive_desktop.engine.connection import Request
from voicelive_desktop.engine.conversation_memory import ConversationMemory
from voicelive_desktop.engine.errors import ConnectionLost
from voicelive_desktop.engine.events import EngineEvent, SessionState, UserTextSent
from voicelive_desktop.engine.function_calls import FunctionCallRunner
from voicelive_desktop.engine.greeting import spoken_as_given
from voicelive_desktop.engine.input_audio import MicUpload
from voicelive_desktop.engine.response_requests import ResponseRequests
from voicelive_desktop.engine.server_events import ServerEventHandler
from voicelive_desktop.engine.state import SessionStateMachine
from voicelive_desktop.protocol import pcm16_bytes_to_ms

log = logging.getLogger(__name__)

MIN_MANUAL_TURN_MS = 150
_S = SessionState


def create_item(item: ConversationRequestItem) -> Request:
    """The client event that adds `item` to the conversation."""
    return lambda conn: conn.conversation.item.create(item=item)


class UserInput:
    """Owns what the user sends the assistant during a conversation: mic audio, typed
    messages, the voice preview's words, push-to-talk turns and interruptions. Each sends its
    client events, asks for the response it implies and moves the state.

    The push-to-talk turn in progress counts its audio, so a key tap (under
    `MIN_MANUAL_TURN_MS`) is dropped instead of answered.
    """

    def __init__(
        self,
        *,
        send: Callable[[Request], Awaitable[None]],
        states: SessionStateMachine,
        handler: ServerEventHandler,
        responses: ResponseRequests,
        calls: FunctionCallRunner,
        memory: ConversationMemory,
        mic: MicUpload,
        emit: Callable[[EngineEvent], None],
    ) -> None:
        self._send = send
        self._states = states
        self._handler = handler
        self._responses = responses
        self._calls = calls
        self._memory = memory
        self._mic = mic
        self._emit = emit
        self._manual_turn_bytes: int | None = None

    def require_conversation(self) -> None:
        if not self._states.in_conversation:
            raise ConnectionLost(
                f"Voice Live is not ready ({self._states.state.value}); "
                "wait until the session is ready."
            )

    def forget_manual_turn(self) -> None:
        """The connection closed: a push-to-talk turn in progress is gone with it."""
        self._manual_turn_bytes = None

    def submit_audio(self, pcm16: bytes) -> None:
        if not self._states.in_conversation:
            return
        if self._mic.submit(pcm16) and self._manual_turn_bytes is not None:
            self._manual_turn_bytes += len(pcm16)

    async def send_text(self, text: str) -> None:
        text = text.strip()
        if not text:
            raise ValueError("The message is empty; type something to send.")
        self.require_conversation()
        await self.interrupt()
        item_id = f"item_{uuid.uuid4().hex[:24]}"
        item = UserMessageItem(id=item_id, content=[InputTextContentPart(text=text)])
        await self._send(create_item(item))
        self._memory.remember("user", text, item_id)
        self._emit(UserTextSent(item_id, text))
        self._handler.mark_user_turn_end()
        await self._responses.request()
        self._states.advance(_S.THINKING)

    async def speak(self, text: str) -> None:
        # response.create's pre-generated assistant message
        # (how-to-voice-live-proactive-messages.md, Option 1).
        self.require_conversation()
        await self._responses.request(spoken_as_given(text))
        self._states.advance(_S.THINKING)

    async def interrupt(self) -> None:
        self._calls.cancel_all("The user interrupted while the tool ran.")
        barge_in = self._handler.interrupt_assistant()
        if barge_in is None:
            return
        await tell_server(self._send, barge_in)
        if self._states.state in (_S.THINKING, _S.ASSISTANT_SPEAKING):
            self._states.advance(_S.READY)

    async def begin_manual_turn(self) -> None:
        self.require_conversation()
        if self._manual_turn_bytes is not None:
            return
        await self.interrupt()
        self._mic.queue.clear()
        await self._send(lambda conn: conn.input_audio_buffer.clear())
        self._manual_turn_bytes = 0
        self._states.advance(_S.USER_SPEAKING)

    async def end_manual_turn(self) -> bool:
        spoken, self._manual_turn_bytes = self._manual_turn_bytes, None
        if spoken is None or not self._states.in_conversation:
            return False
        await self._mic.flush()
        if pcm16_bytes_to_ms(spoken) < MIN_MANUAL_TURN_MS:
            log.info("push-to-talk turn of %d ms dropped", pcm16_bytes_to_ms(spoken))
            await self._send(lambda conn: conn.input_audio_buffer.clear())
            if self._states.state is _S.USER_SPEAKING:
                self._states.advance(_S.READY)
            return False
        await self._send(lambda conn: conn.input_audio_buffer.commit())
        self._handler.mark_user_turn_end()
        await self._responses.request()
        self._states.advance(_S.THINKING)
        return True
