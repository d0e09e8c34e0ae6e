"""The input audio buffer of one simulated session: appends, VAD turns, commits and clears."""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Any

from voicelive_desktop.background_tasks import BackgroundTasks
from voicelive_desktop.simulator import wire
from voicelive_desktop.simulator.conversation import Conversation
from voicelive_desktop.simulator.echo import InputEcho, StereoWithoutConfig
from voicelive_desktop.simulator.faults import SimulatorFaults
from voicelive_desktop.simulator.input_turns import (
    MIN_COMMIT_MS,
    InputTurns,
    SpeechStarted,
    SpeechStopped,
)
from voicelive_desktop.simulator.items import item_from_user_audio
from voicelive_desktop.simulator.replies import speech_transcript
from voicelive_desktop.simulator.service_modes import Send, send_late, send_transcription
from voicelive_desktop.simulator.session_config import TurnDetection
from voicelive_desktop.simulator.wire import Event


class InputAudioBuffer:
    """Owns the audio a client appends to one session: the echo taken out of it, the turns
    VAD finds in it, and the user item (with its transcript) each commit adds.

    The session tells it the config (`configure`), what the assistant sent
    (`assistant_audio_sent`) and when a response streams (`response_streaming`); it calls back
    `interrupt` when speech starts under barge-in and `respond` when VAD ends a turn that
    should be answered.
    """

    def __init__(
        self,
        session: dict[str, Any],
        *,
        send: Send,
        conversation: Conversation,
        faults: SimulatorFaults,
        tasks: BackgroundTasks,
        interrupt: Callable[[], None],
        respond: Callable[[], Awaitable[None]],
    ) -> None:
        self._session = session
        self._send = send
        self._conversation = conversation
        self._faults = faults
        self._tasks = tasks
        self._interrupt = interrupt
        self._respond = respond
        self._turns = InputTurns(TurnDetection.of(session))
        self._echo = InputEcho()
        self._pending_user_item: str | None = None
        self._response_started = asyncio.Event()

    def configure(self, session: dict[str, Any]) -> None:
        """Follow a session.update: turn detection, echo cancellation, transcription."""
        self._session = session
        self._turns.configure(TurnDetection.of(session))
        self._echo.configure(session)

    def assistant_audio_sent(self, pcm: bytes) -> None:
        """The assistant audio just sent: the echo reference when the server provides it."""
        self._echo.assistant_audio_sent(pcm)

    def response_streaming(self, streaming: bool) -> None:
        """A response started or ended streaming (filler guard, late transcripts)."""
        self._turns.set_responding(streaming)
        if streaming:
            self._response_started.set()

    async def _error(self, event: Event, message: str, code: str, param: str | None = None) -> None:
        await self._send(wire.error_for(event, message, code, param))

    async def append(self, event: Event) -> None:
        """input_audio_buffer.append: decode, cancel echo, run VAD over it."""
        audio = event.get("audio")
        if not isinstance(audio, str):
            await self._error(
                event,
                "Missing required parameter: 'audio' (base64 PCM16).",
                "missing_required_parameter",
                "audio",
            )
            return
        try:
            pcm = base64.b64decode(audio, validate=True)
        except (binascii.Error, ValueError):
            await self._error(
                event, "Invalid 'audio': not base64-encoded PCM16.", "invalid_value", "audio"
            )
            return
        try:
            heard = self._echo.heard(pcm)
        except StereoWithoutConfig as error:
            await self._error(event, str(error), "invalid_value", "audio")
            return
        for boundary in self._turns.append(heard):
            if isinstance(boundary, SpeechStarted):
                await self._speech_started(boundary)
            elif isinstance(boundary, SpeechStopped):
                await self._speech_stopped(boundary)

    async def _speech_started(self, boundary: SpeechStarted) -> None:
        self._pending_user_item = wire.new_id("item")
        await self._send(
            {
                "type": "input_audio_buffer.speech_started",
                "audio_start_ms": boundary.audio_start_ms,
                "item_id": self._pending_user_item,
            }
        )
        if TurnDetection.of(self._session).interrupt_response:
            self._interrupt()

    async def _speech_stopped(self, boundary: SpeechStopped) -> None:
        item_id = self._pending_user_item or wire.new_id("item")
        self._pending_user_item = None
        await self._send(
            {
                "type": "input_audio_buffer.speech_stopped",
                "audio_end_ms": boundary.audio_end_ms,
                "item_id": item_id,
            }
        )
        await self._commit_user_audio(item_id, boundary.speech_ms)
        if TurnDetection.of(self._session).create_response:
            await self._respond()

    async def commit(self, event: Event) -> None:
        """input_audio_buffer.commit: the buffered audio becomes a user item."""
        buffered = self._turns.buffered_ms
        if buffered < MIN_COMMIT_MS:
            await self._error(
                event,
                "Error committing input audio buffer: buffer too small. Expected at least "
                f"{MIN_COMMIT_MS}ms of audio, but buffer only has {buffered}.00ms of audio.",
                "input_audio_buffer_commit_empty",
            )
            return
        item_id = self._pending_user_item or wire.new_id("item")
        self._pending_user_item = None
        await self._commit_user_audio(item_id, self._turns.commit())

    async def _commit_user_audio(self, item_id: str, speech_ms: int) -> None:
        transcribing = bool(self._session.get("input_audio_transcription"))
        transcript = speech_transcript(speech_ms)
        raw = wire.user_audio_item(item_id, None)
        previous = self._conversation.add(item_from_user_audio(item_id, raw, speech_ms, transcript))
        await self._send(
            {
                "type": "input_audio_buffer.committed",
                "previous_item_id": previous,
                "item_id": item_id,
            }
        )
        await self._send(
            {"type": "conversation.item.created", "previous_item_id": previous, "item": raw}
        )
        if not transcribing:
            return
        modes = self._faults.modes

        async def transcribe() -> None:
            await send_transcription(self._send, item_id, transcript, modes)

        if modes.late_transcript_s is None:
            await transcribe()
        else:
            self._response_started.clear()
            late = send_late(self._response_started, modes.late_transcript_s, transcribe)
            self._tasks.spawn(late, "late transcript")

    async def clear(self, event: Event) -> None:
        """input_audio_buffer.clear: drop what was buffered and any turn in progress."""
        self._turns.clear()
        self._pending_user_item = None
        await self._send({"type": "input_audio_buffer.cleared"})
