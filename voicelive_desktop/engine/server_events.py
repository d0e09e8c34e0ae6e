"""Server event dispatch: one received event -> typed engine events, state moves, barge-in.

Every field is read defensively through `event_fields` (the SDK's models are mappings of the
raw wire values): a surprising event is logged and counted, never raised.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from azure.ai.voicelive.models import ServerEvent

from voicelive_desktop.engine.audio_deltas import decoded_pcm
from voicelive_desktop.engine.barge_in import BargeIn
from voicelive_desktop.engine.client_event_log import ClientEventLog
from voicelive_desktop.engine.conversation_memory import ConversationMemory
from voicelive_desktop.engine.event_fields import int_field, mapping_field, text_field
from voicelive_desktop.engine.events import (
    AssistantAudioReceived,
    AssistantInterrupted,
    AssistantResponseStarted,
    AssistantTranscriptCompleted,
    AssistantTranscriptDelta,
    AssistantWordTimed,
    EngineEvent,
    ResponseFinished,
    ResponseUsageCounted,
    SessionConfigured,
    SessionState,
    TurnLatencyMeasured,
    UserSpeechStarted,
    UserSpeechStopped,
)
from voicelive_desktop.engine.hostile_input import HostileInputStats
from voicelive_desktop.engine.known_events import SDK_EVENT_TYPES, is_known
from voicelive_desktop.engine.open_responses import OpenResponse, OpenResponses
from voicelive_desktop.engine.playback_port import PlaybackSink
from voicelive_desktop.engine.server_errors import (
    OnServerError,
    ServerErrorReports,
    response_end_detail,
)
from voicelive_desktop.engine.state import SessionStateMachine
from voicelive_desktop.engine.usage import TokenCounts
from voicelive_desktop.engine.user_turns import UserTurnEvents
from voicelive_desktop.protocol import pcm16_bytes_to_ms

log = logging.getLogger(__name__)

_S = SessionState


class ServerEventHandler:
    """Turns server events into engine events and state moves for one session.

    Barge-in is decided here synchronously (flush playback, stop accepting that response's
    audio) so no late delta slips into the speaker; `on_barge_in` sends cancel/truncate.
    """

    def __init__(
        self,
        *,
        emit: Callable[[EngineEvent], None],
        states: SessionStateMachine,
        memory: ConversationMemory,
        playback: PlaybackSink | None,
        on_session_updated: Callable[[Mapping[str, Any]], None],
        on_barge_in: Callable[[BargeIn], None],
        on_server_error: OnServerError = lambda detail, param, cause: False,
        awaiting_tools: Callable[[], bool] = lambda: False,
        client_events: ClientEventLog | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._emit = emit
        self._states = states
        self._memory = memory
        self._playback = playback
        self._on_session_updated = on_session_updated
        self._on_barge_in = on_barge_in
        self._awaiting_tools = awaiting_tools
        self._clock = clock
        # With server VAD the service cancels a response itself when the user starts talking
        # (`turn_detection.interrupt_response`, default true): the client only truncates.
        self._server_cancels_on_speech = True
        self._user_turns = UserTurnEvents(emit, memory, self._count_malformed)
        self._responses = OpenResponses()
        self._last_audio: OpenResponse | None = None
        self._turn_ended_at: float | None = None
        self.stats = HostileInputStats()
        self._errors = ServerErrorReports(
            emit=emit,
            stats=self.stats,
            client_events=client_events or ClientEventLog(),
            on_server_error=on_server_error,
            on_shown=self._error_shown,
            clock=clock,
        )
        self._handlers: dict[str, Callable[[Mapping[str, Any]], None]] = {
            "session.updated": self._session_updated,
            "error": self._errors.error,
            "input_audio_buffer.speech_started": self._speech_started,
            "input_audio_buffer.speech_stopped": self._speech_stopped,
            **self._user_turns.handlers(),
            "warning": self._errors.warning,
            "rate_limits.updated": self._rate_limits,
            "response.created": self._response_created,
            "response.output_item.added": self._output_item_added,
            "response.audio.delta": self._audio_delta,
            "response.audio_transcript.delta": self._transcript_delta,
            "response.text.delta": self._transcript_delta,
            "response.audio_transcript.done": self._transcript_done,
            "response.text.done": self._transcript_done,
            "response.done": self._response_done,
            "response.audio_timestamp.delta": self._word_timed,
        }

    # -- entry points used by the engine -------------------------------------------------

    def handle(self, event: Mapping[str, Any]) -> None:
        """Dispatch one server event; never raises."""
        self.stats.events += 1
        try:
            kind = event.get("type")
            if not isinstance(kind, str):
                self.stats.malformed += 1
                log.warning("server event without a type ignored")
                return
            if type(event) is ServerEvent and kind in SDK_EVENT_TYPES:
                self.stats.untyped += 1
                log.info("server event %.60r did not match its SDK model", kind)
            handler = self._handlers.get(kind)
            if handler is not None:
                handler(event)
            elif not is_known(kind):
                self.stats.unknown_types += 1
                self.stats.unknown_by_type.note(kind)
        except Exception:
            # A shape nobody foresaw; the session must go on.
            self.stats.internal_errors += 1
            log.warning("server event could not be handled", exc_info=True)

    @property
    def ending_announced(self) -> bool:
        """The service said why it is about to close the socket (its session limit)."""
        return self._errors.ending_announced

    @ending_announced.setter
    def ending_announced(self, announced: bool) -> None:
        self._errors.ending_announced = announced

    def _count_malformed(self) -> None:
        self.stats.malformed += 1

    def mark_user_turn_end(self) -> None:
        """The user finished (commit or text sent): latency counts from now."""
        self._turn_ended_at = self._clock()

    @property
    def responding(self) -> bool:
        """True while a response the server started has not finished."""
        return bool(self._responses)

    @property
    def assistant_active(self) -> bool:
        """True while a response streams or its audio is still playing."""
        streaming = any(not r.interrupted for r in self._responses.all())
        playing = self._playback is not None and self._playback.is_playing()
        return streaming or playing

    def interrupt_assistant(self, *, server_cancels: bool = False) -> BargeIn | None:
        """Cut the assistant off now; returns what to tell the server, or None if silent.

        `server_cancels`: the service cancels the response itself (server VAD saw speech),
        so a `response.cancel` would only earn a "no active response" error.
        """
        if not self.assistant_active:
            return None
        streaming = [r for r in self._responses.all() if not r.interrupted]
        for response in streaming:
            response.interrupted = True
        cancel_id = streaming[-1].response_id if streaming and not server_cancels else None
        heard = self._last_audio
        self._last_audio = None
        if heard is None or not heard.item_id:
            # Nothing of it was heard yet: only the stream needs stopping.
            if self._playback is not None:
                self._playback.flush()
            return BargeIn(cancel_id, "", 0) if cancel_id else None
        heard.interrupted = True
        received_ms = pcm16_bytes_to_ms(heard.audio_bytes)
        played = received_ms
        if self._playback is not None:
            played = max(0, min(received_ms, self._playback.played_ms(heard.item_id)))
            self._playback.flush()
        self._emit(AssistantInterrupted(heard.item_id, played))
        return BargeIn(cancel_id, heard.item_id, played)

    def connection_lost(self) -> None:
        """The socket is gone: close every open response as incomplete, keep what was said."""
        for response in self._responses.all():
            self._finish(response, "incomplete", None)
        self._turn_ended_at = None

    # -- handlers ----------------------------------------------------------------------

    def _session_updated(self, event: Mapping[str, Any]) -> None:
        session = mapping_field(event, "session") or {}
        # An Azure voice is an object ({"name": ..., "type": "azure-standard"}); an OpenAI
        # voice is a plain string ("alloy") in both references' session objects.
        voice = (
            text_field(session, "voice")
            or text_field(mapping_field(session, "voice") or {}, "name")
            or ""
        )
        detection = mapping_field(session, "turn_detection")
        self._server_cancels_on_speech = (
            detection is not None and detection.get("interrupt_response") is not False
        )
        self._emit(SessionConfigured(text_field(session, "id") or "", voice))
        self._on_session_updated(session)

    def _error_shown(self) -> None:
        if not self._responses and self._states.state is _S.THINKING:
            # The request that was to start a response failed; nothing else will end the wait.
            self._states.advance(_S.READY)

    def _rate_limits(self, event: Mapping[str, Any]) -> None:
        limits = event.get("rate_limits")
        log.debug("rate limits: %.300s", limits)

    def _speech_started(self, event: Mapping[str, Any]) -> None:
        self._emit(
            UserSpeechStarted(
                int_field(event, "audio_start_ms") or 0, text_field(event, "item_id") or ""
            )
        )
        barge_in = self.interrupt_assistant(server_cancels=self._server_cancels_on_speech)
        if barge_in is not None:
            self._on_barge_in(barge_in)
        self._states.advance(_S.USER_SPEAKING)

    def _speech_stopped(self, event: Mapping[str, Any]) -> None:
        self._emit(UserSpeechStopped(int_field(event, "audio_end_ms") or 0))
        self.mark_user_turn_end()
        if self._states.state is _S.USER_SPEAKING:
            self._states.advance(_S.THINKING)

    def _response_created(self, event: Mapping[str, Any]) -> None:
        response = mapping_field(event, "response") or {}
        response_id = text_field(response, "id") or ""
        if not self._responses.is_new(response_id):
            self.stats.out_of_order += 1
            return
        # The service runs one response at a time: a new one means older ones are over, even
        # if their response.done never came (otherwise the state could never settle).
        for stale in self._responses.all():
            self._finish(stale, "incomplete", None)
        self._responses.start(response_id)
        if self._playback is None or not self._playback.is_playing():
            self._last_audio = None  # what was heard before is over; never truncate it later
        self._emit(AssistantResponseStarted(response_id))
        if self._states.state in (_S.READY, _S.USER_SPEAKING):
            self._states.advance(_S.THINKING)

    def _known_response(self, event: Mapping[str, Any]) -> OpenResponse | None:
        response = self._responses.get(text_field(event, "response_id") or "")
        if response is None:
            self.stats.out_of_order += 1
        return response

    def _output_item_added(self, event: Mapping[str, Any]) -> None:
        response = self._known_response(event)
        item = mapping_field(event, "item") or {}
        # A function_call item has no audio to truncate; the message item is what is heard.
        if item.get("type", "message") != "message":
            return
        if response is not None and not response.item_id:
            response.item_id = text_field(item, "id") or ""

    def _output_started(self, response: OpenResponse) -> None:
        if response.output_started:
            return
        response.output_started = True
        self._states.advance(_S.ASSISTANT_SPEAKING)

    def _audio_delta(self, event: Mapping[str, Any]) -> None:
        response = self._known_response(event)
        if response is None or response.interrupted:
            return
        pcm, faulty = decoded_pcm(text_field(event, "delta"))
        self.stats.invalid_audio += faulty
        if not pcm:
            return
        item_id = text_field(event, "item_id") or response.item_id
        response.item_id = response.item_id or item_id
        if self._turn_ended_at is not None:
            latency_ms = (self._clock() - self._turn_ended_at) * 1000.0
            self._turn_ended_at = None
            self._emit(TurnLatencyMeasured(latency_ms))
        response.audio_bytes += len(pcm)
        self._last_audio = response
        self._output_started(response)
        if self._playback is not None:
            self._playback.enqueue(item_id, pcm)
        self._emit(AssistantAudioReceived(item_id, pcm))

    def _transcript_delta(self, event: Mapping[str, Any]) -> None:
        response = self._known_response(event)
        delta = text_field(event, "delta")
        if response is None or response.interrupted or delta is None:
            return
        response.item_id = response.item_id or text_field(event, "item_id") or ""
        response.transcript.append(delta)
        self._output_started(response)
        self._emit(AssistantTranscriptDelta(response.response_id, response.item_id, delta))

    def _word_timed(self, event: Mapping[str, Any]) -> None:
        response = self._known_response(event)
        text = text_field(event, "text")
        offset = int_field(event, "audio_offset_ms")
        if response is None or response.interrupted or text is None or offset is None:
            return
        duration = max(0, int_field(event, "audio_duration_ms") or 0)
        item_id = text_field(event, "item_id") or response.item_id
        self._emit(
            AssistantWordTimed(response.response_id, item_id, text, max(0, offset), duration)
        )

    def _transcript_done(self, event: Mapping[str, Any]) -> None:
        response = self._known_response(event)
        if response is None:
            return
        if response.transcript_done:
            self.stats.out_of_order += 1
            return
        final = text_field(event, "transcript") or text_field(event, "text")
        if final is not None and not response.interrupted:
            response.transcript = [final]
        self._complete_transcript(response)

    def _complete_transcript(self, response: OpenResponse) -> None:
        response.transcript_done = True
        text = "".join(response.transcript)
        if not text:
            return
        self._emit(AssistantTranscriptCompleted(response.response_id, response.item_id, text))
        self._memory.remember("assistant", text, response.item_id)

    def _response_done(self, event: Mapping[str, Any]) -> None:
        body = mapping_field(event, "response") or {}
        response = self._responses.get(text_field(body, "id") or "")
        if response is None:
            self.stats.out_of_order += 1
            return
        usage = mapping_field(body, "usage") or {}
        if usage:
            self._emit(ResponseUsageCounted(response.response_id, TokenCounts.from_usage(usage)))
        status = text_field(body, "status") or "completed"
        if response.interrupted and status == "completed":
            status = "cancelled"
        detail = response_end_detail(mapping_field(body, "status_details") or {})
        if status == "failed":
            log.warning("response %s failed: %s", response.response_id, detail or "no details")
        self._finish(response, status, int_field(usage, "output_tokens"), detail)

    def _finish(
        self, response: OpenResponse, status: str, output_tokens: int | None, detail: str = ""
    ) -> None:
        self._responses.finish(response)
        if not response.transcript_done:
            self._complete_transcript(response)
        self._emit(
            ResponseFinished(response.response_id, status, output_tokens, detail, response.item_id)
        )
        if (
            not self._responses
            and self._states.state in (_S.THINKING, _S.ASSISTANT_SPEAKING)
            and not self._awaiting_tools()  # the answer comes once the tools' outputs are in
        ):
            self._states.advance(_S.READY)
