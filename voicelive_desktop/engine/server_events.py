"""Server event dispatch: one received event -> typed engine events, state moves, barge-in.

Every field is read defensively from the event as a mapping (the SDK's models are mappings
of the raw wire values): a surprising event is logged and counted, never raised.
"""

from __future__ import annotations

import base64
import binascii
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from azure.ai.voicelive.models import ServerEvent

from voicelive_desktop.engine.client_event_log import ClientEventLog, SentEvent, explain_error
from voicelive_desktop.engine.conversation_memory import ConversationMemory
from voicelive_desktop.engine.events import (
    AssistantAudioReceived,
    AssistantInterrupted,
    AssistantResponseStarted,
    AssistantTranscriptCompleted,
    AssistantTranscriptDelta,
    AssistantWordTimed,
    EngineEvent,
    ErrorKind,
    ResponseFinished,
    ResponseUsageCounted,
    SessionConfigured,
    SessionErrorReported,
    SessionState,
    TurnLatencyMeasured,
    UserSpeechStarted,
    UserSpeechStopped,
)
from voicelive_desktop.engine.known_events import SDK_EVENT_TYPES, UnknownEventTally, is_known
from voicelive_desktop.engine.playback_port import PlaybackSink
from voicelive_desktop.engine.state import SessionStateMachine
from voicelive_desktop.engine.usage import TokenCounts
from voicelive_desktop.engine.user_turns import UserTurnEvents
from voicelive_desktop.protocol import pcm16_bytes_to_ms

log = logging.getLogger(__name__)

# ~20 s of 24 kHz PCM16: more than any real delta, small enough to never hurt playback.
MAX_AUDIO_DELTA_BYTES = 1_000_000
_MAX_TRACKED_RESPONSES = 32
_MAX_ERROR_MESSAGE = 300
_SAME_ERROR_QUIET_S = 5.0

_S = SessionState
# A cancel that raced the server's own end of the response: expected during barge-in.
_BENIGN_ERROR_CODES = frozenset({"response_cancel_not_active"})
_BENIGN_ERROR_TEXT = "no active response"
# The service ends a session at its length limit with this error, then closes the socket
# ("Your session hit the maximum duration of 30 minutes": OpenAI Realtime; Voice Live
# sessions have a limit too). The engine reconnects with the context kept.
_SESSION_EXPIRED_CODES = frozenset({"session_expired", "session_timeout"})

OnServerError = Callable[[str, str, SentEvent | None], None]


@dataclass
class HostileInputStats:
    """Counts of server surprises survived, for diagnostics and tests."""

    events: int = 0
    unknown_types: int = 0
    untyped: int = 0  # a known type the SDK could not turn into its model class
    malformed: int = 0
    out_of_order: int = 0
    invalid_audio: int = 0
    server_errors: int = 0
    suppressed_errors: int = 0
    unknown_by_type: UnknownEventTally = field(default_factory=UnknownEventTally)
    internal_errors: int = 0  # caught by the safety net: a shape the checks did not foresee


@dataclass(frozen=True)
class BargeIn:
    """What the engine must tell the server after playback was cut: cancel and/or truncate."""

    response_id: str | None  # still streaming: cancel it
    item_id: str
    played_ms: int


@dataclass
class _Response:
    response_id: str
    item_id: str = ""
    transcript: list[str] = field(default_factory=list)
    audio_bytes: int = 0
    output_started: bool = False
    interrupted: bool = False
    transcript_done: bool = False


def _text(event: Mapping[str, Any], key: str) -> str | None:
    value = event.get(key)
    return value if isinstance(value, str) else None


def _int(event: Mapping[str, Any], key: str) -> int | None:
    value = event.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _mapping(event: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    value = event.get(key)
    return value if isinstance(value, Mapping) else None


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
        on_session_updated: Callable[[], None],
        on_barge_in: Callable[[BargeIn], None],
        on_server_error: OnServerError = lambda detail, param, cause: None,
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
        self._on_server_error = on_server_error
        self._awaiting_tools = awaiting_tools
        self._clock = clock
        self._client_events = client_events or ClientEventLog()
        # With server VAD the service cancels a response itself when the user starts talking
        # (`turn_detection.interrupt_response`, default true): the client only truncates.
        self._server_cancels_on_speech = True
        # The service said why it is about to close the socket (its session limit).
        self.ending_announced = False
        self._user_turns = UserTurnEvents(emit, memory, self._count_malformed)
        self._responses: OrderedDict[str, _Response] = OrderedDict()
        self._finished: OrderedDict[str, None] = OrderedDict()
        self._last_audio: _Response | None = None
        self._turn_ended_at: float | None = None
        self._last_error: tuple[str, float] = ("", float("-inf"))
        self.stats = HostileInputStats()
        self._handlers: dict[str, Callable[[Mapping[str, Any]], None]] = {
            "session.updated": self._session_updated,
            "error": self._error,
            "input_audio_buffer.speech_started": self._speech_started,
            "input_audio_buffer.speech_stopped": self._speech_stopped,
            **self._user_turns.handlers(),
            "warning": self._warning,
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
        streaming = any(not r.interrupted for r in self._responses.values())
        playing = self._playback is not None and self._playback.is_playing()
        return streaming or playing

    def interrupt_assistant(self, *, server_cancels: bool = False) -> BargeIn | None:
        """Cut the assistant off now; returns what to tell the server, or None if silent.

        `server_cancels`: the service cancels the response itself (server VAD saw speech),
        so a `response.cancel` would only earn a "no active response" error.
        """
        if not self.assistant_active:
            return None
        streaming = [r for r in self._responses.values() if not r.interrupted]
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
        for response in list(self._responses.values()):
            self._finish(response, "incomplete", None)
        self._turn_ended_at = None

    # -- handlers ----------------------------------------------------------------------

    def _session_updated(self, event: Mapping[str, Any]) -> None:
        session = _mapping(event, "session") or {}
        # An Azure voice is an object ({"name": ..., "type": "azure-standard"}); an OpenAI
        # voice is a plain string ("alloy") in both references' session objects.
        voice = _text(session, "voice") or _text(_mapping(session, "voice") or {}, "name") or ""
        detection = _mapping(session, "turn_detection")
        self._server_cancels_on_speech = (
            detection is not None and detection.get("interrupt_response") is not False
        )
        self._emit(SessionConfigured(_text(session, "id") or "", voice))
        self._on_session_updated()

    def _error(self, event: Mapping[str, Any]) -> None:
        self.stats.server_errors += 1
        error = _mapping(event, "error") or {}
        detail = (_text(error, "message") or "no details").strip()[:_MAX_ERROR_MESSAGE]
        code = _text(error, "code") or ""
        cause = self._client_events.cause(error.get("event_id"))
        param = _text(error, "param") or ""
        self._on_server_error(detail, param, cause)
        if code in _BENIGN_ERROR_CODES or _BENIGN_ERROR_TEXT in detail.lower():
            # A cancel that crossed the service's own end of the response: nothing is wrong.
            self.stats.suppressed_errors += 1
            log.debug("server notice: %s", detail)
            return
        now = self._clock()
        if detail == self._last_error[0] and now - self._last_error[1] < _SAME_ERROR_QUIET_S:
            self.stats.suppressed_errors += 1
            return
        self._last_error = (detail, now)
        if not self._responses and self._states.state is _S.THINKING:
            # The request that was to start a response failed; nothing else will end the wait.
            self._states.advance(_S.READY)
        if code in _SESSION_EXPIRED_CODES:
            log.info("the service ended the session: %s", detail)
            self.ending_announced = True
            message = (
                f"Voice Live ended the session ({detail.rstrip('.')}); reconnecting with the "
                "conversation kept."
            )
            self._emit(SessionErrorReported(ErrorKind.CONNECTION_LOST, message, fatal=False))
            return
        cause_text = f" (caused by {cause.kind} {cause.event_id})" if cause else ""
        log.warning("server error event%s: %s", cause_text, detail)
        message = explain_error(detail, param, cause)
        self._emit(SessionErrorReported(ErrorKind.SERVER_ERROR, message, fatal=False))

    def _warning(self, event: Mapping[str, Any]) -> None:
        # A documented notice that needs no action (Voice Live reference 2026-01-01-preview
        # and later, server event `warning`); kept in the log for support.
        warning = _mapping(event, "warning") or _mapping(event, "error") or event
        log.info("server warning: %.300s", _text(warning, "message") or "no details")

    def _rate_limits(self, event: Mapping[str, Any]) -> None:
        limits = event.get("rate_limits")
        log.debug("rate limits: %.300s", limits)

    def _speech_started(self, event: Mapping[str, Any]) -> None:
        self._emit(
            UserSpeechStarted(_int(event, "audio_start_ms") or 0, _text(event, "item_id") or "")
        )
        barge_in = self.interrupt_assistant(server_cancels=self._server_cancels_on_speech)
        if barge_in is not None:
            self._on_barge_in(barge_in)
        self._states.advance(_S.USER_SPEAKING)

    def _speech_stopped(self, event: Mapping[str, Any]) -> None:
        self._emit(UserSpeechStopped(_int(event, "audio_end_ms") or 0))
        self.mark_user_turn_end()
        if self._states.state is _S.USER_SPEAKING:
            self._states.advance(_S.THINKING)

    def _response_created(self, event: Mapping[str, Any]) -> None:
        response = _mapping(event, "response") or {}
        response_id = _text(response, "id")
        if not response_id or response_id in self._responses or response_id in self._finished:
            self.stats.out_of_order += 1
            return
        # The service runs one response at a time: a new one means older ones are over, even
        # if their response.done never came (otherwise the state could never settle).
        for stale in list(self._responses.values()):
            self._finish(stale, "incomplete", None)
        self._responses[response_id] = _Response(response_id)
        if self._playback is None or not self._playback.is_playing():
            self._last_audio = None  # what was heard before is over; never truncate it later
        self._emit(AssistantResponseStarted(response_id))
        if self._states.state in (_S.READY, _S.USER_SPEAKING):
            self._states.advance(_S.THINKING)

    def _known_response(self, event: Mapping[str, Any]) -> _Response | None:
        response = self._responses.get(_text(event, "response_id") or "")
        if response is None:
            self.stats.out_of_order += 1
        return response

    def _output_item_added(self, event: Mapping[str, Any]) -> None:
        response = self._known_response(event)
        item = _mapping(event, "item") or {}
        # A function_call item has no audio to truncate; the message item is what is heard.
        if item.get("type", "message") != "message":
            return
        if response is not None and not response.item_id:
            response.item_id = _text(item, "id") or ""

    def _output_started(self, response: _Response) -> None:
        if response.output_started:
            return
        response.output_started = True
        self._states.advance(_S.ASSISTANT_SPEAKING)

    def _audio_delta(self, event: Mapping[str, Any]) -> None:
        response = self._known_response(event)
        if response is None or response.interrupted:
            return
        pcm = self._decode_audio(_text(event, "delta"))
        if not pcm:
            return
        item_id = _text(event, "item_id") or response.item_id
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

    def _decode_audio(self, delta: str | None) -> bytes:
        if not delta:
            self.stats.invalid_audio += delta is None
            return b""
        if len(delta) > MAX_AUDIO_DELTA_BYTES * 4 // 3 + 4:
            self.stats.invalid_audio += 1
            log.warning("audio delta of %d base64 characters dropped (too large)", len(delta))
            return b""
        try:
            pcm = base64.b64decode(delta, validate=True)
        except (binascii.Error, ValueError):
            self.stats.invalid_audio += 1
            log.warning("audio delta with invalid base64 dropped")
            return b""
        if len(pcm) % 2:
            # Half a sample would shift every later sample into noise; drop the stray byte.
            self.stats.invalid_audio += 1
            pcm = pcm[:-1]
        return pcm

    def _transcript_delta(self, event: Mapping[str, Any]) -> None:
        response = self._known_response(event)
        delta = _text(event, "delta")
        if response is None or response.interrupted or delta is None:
            return
        response.item_id = response.item_id or _text(event, "item_id") or ""
        response.transcript.append(delta)
        self._output_started(response)
        self._emit(AssistantTranscriptDelta(response.response_id, response.item_id, delta))

    def _word_timed(self, event: Mapping[str, Any]) -> None:
        response = self._known_response(event)
        text = _text(event, "text")
        offset = _int(event, "audio_offset_ms")
        if response is None or response.interrupted or text is None or offset is None:
            return
        duration = max(0, _int(event, "audio_duration_ms") or 0)
        item_id = _text(event, "item_id") or response.item_id
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
        final = _text(event, "transcript") or _text(event, "text")
        if final is not None and not response.interrupted:
            response.transcript = [final]
        self._complete_transcript(response)

    def _complete_transcript(self, response: _Response) -> None:
        response.transcript_done = True
        text = "".join(response.transcript)
        if not text:
            return
        self._emit(AssistantTranscriptCompleted(response.response_id, response.item_id, text))
        self._memory.remember("assistant", text, response.item_id)

    def _response_done(self, event: Mapping[str, Any]) -> None:
        body = _mapping(event, "response") or {}
        response = self._responses.get(_text(body, "id") or "")
        if response is None:
            self.stats.out_of_order += 1
            return
        usage = _mapping(body, "usage") or {}
        if usage:
            self._emit(ResponseUsageCounted(response.response_id, TokenCounts.from_usage(usage)))
        status = _text(body, "status") or "completed"
        if response.interrupted and status == "completed":
            status = "cancelled"
        detail = _status_detail(_mapping(body, "status_details") or {})
        if status == "failed":
            log.warning("response %s failed: %s", response.response_id, detail or "no details")
        self._finish(response, status, _int(usage, "output_tokens"), detail)

    def _finish(
        self, response: _Response, status: str, output_tokens: int | None, detail: str = ""
    ) -> None:
        self._responses.pop(response.response_id, None)
        self._finished[response.response_id] = None
        while len(self._finished) > _MAX_TRACKED_RESPONSES:
            self._finished.popitem(last=False)
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


def _status_detail(details: Mapping[str, Any]) -> str:
    """Why a response ended early: `status_details.error.message` for a failed one (OpenAI
    Realtime reference, `response.done`), else its `reason` ("max_output_tokens",
    "content_filter", "turn_detected", "client_cancelled")."""
    error = _mapping(details, "error") or {}
    message = _text(error, "message") or _text(error, "code")
    if message:
        return message.strip()[:_MAX_ERROR_MESSAGE]
    return _text(details, "reason") or ""
