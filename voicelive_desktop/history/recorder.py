"""Turns engine events into finished turns and writes each one to the history store as it ends."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from voicelive_desktop.engine.events import (
    AssistantInterrupted,
    AssistantResponseStarted,
    AssistantTranscriptCompleted,
    AssistantTranscriptDelta,
    EngineEvent,
    ResponseFinished,
    ResponseUsageCounted,
    SessionState,
    SessionStateChanged,
    ToolCallFinished,
    ToolCallStarted,
    TurnLatencyMeasured,
    UserSpeechStarted,
    UserTextSent,
    UserTranscriptCompleted,
    UserTurnCommitted,
)
from voicelive_desktop.engine.usage import TokenCounts
from voicelive_desktop.history.conversation_writer import ConversationWriter
from voicelive_desktop.history.records import Turn
from voicelive_desktop.history.store import HistoryStore, HistoryUnavailable
from voicelive_desktop.history.tool_call_record import ToolCallRecord
from voicelive_desktop.history.turn_usage import TurnUsage

log = logging.getLogger(__name__)

# Enough to attach a late barge-in or latency figure to a turn already written.
_REMEMBERED_TURNS = 64
_CONNECTION_ENDED = {SessionState.DISCONNECTED, SessionState.RECONNECTING, SessionState.CLOSING}


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class _Observable(Protocol):
    def subscribe(self, listener: Callable[[EngineEvent], None]) -> Callable[[], None]: ...


@dataclass
class _PendingItem:
    response_id: str
    started_at: datetime
    text_parts: list[str] = field(default_factory=list)
    interrupted: bool = False


@dataclass(frozen=True)
class _StartedCall:
    name: str
    arguments: str
    started_at: datetime
    turn_id: int | None  # the user turn it answers


@dataclass
class _PendingResponse:
    started_at: datetime
    latency_ms: float | None = None
    usage: TurnUsage | None = None
    written_turn_ids: list[int] = field(default_factory=list)


class HistoryRecorder:
    """Listens to one engine's events and stores every finished user and assistant turn.

    Attach it with `recorder.attach(engine)` (or use `start_recording`). A user turn ends with
    its transcript (`UserTranscriptCompleted`) or when typed text is sent (`UserTextSent`). An
    assistant turn ends with `AssistantTranscriptCompleted`; if barge-in, a finished response
    or a lost connection comes first, the text received so far is stored as an interrupted
    turn, so nothing the user heard is lost. A history write failure is logged and passed to
    `on_failure` (one sentence), never raised into the engine.
    """

    def __init__(
        self,
        store: HistoryStore,
        *,
        conversation_id: str | None = None,
        on_failure: Callable[[str], None] | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        # Prices a response's tokens (amount, currency) when the turn is stored; None: tokens only.
        self.estimate_cost: Callable[[TokenCounts], tuple[float, str]] | None = None
        self._clock = clock
        self._writer = ConversationWriter(store, conversation_id, on_failure)
        # When each spoken turn began, by item id ("" until the service names the item). A
        # transcript can arrive after the answer to it; stored with this start time, the turn
        # still sorts before that answer (the history orders turns by their start).
        self._user_started: OrderedDict[str, datetime] = OrderedDict()
        self._responses: dict[str, _PendingResponse] = {}
        self._items: dict[str, _PendingItem] = {}
        self._latest_response_id: str | None = None
        self._written: OrderedDict[str, int] = OrderedDict()  # item id → turn id
        self._last_user_turn_id: int | None = None
        self._calls: dict[str, _StartedCall] = {}
        self._unsubscribe: Callable[[], None] | None = None
        self._handlers: dict[type, Callable[[EngineEvent], None]] = {
            UserSpeechStarted: self._on_user_speech_started,
            UserTurnCommitted: self._on_user_speech_started,
            UserTranscriptCompleted: self._on_user_turn,
            UserTextSent: self._on_user_turn,
            AssistantResponseStarted: self._on_response_started,
            AssistantTranscriptDelta: self._on_transcript_delta,
            AssistantTranscriptCompleted: self._on_transcript_completed,
            AssistantInterrupted: self._on_interrupted,
            TurnLatencyMeasured: self._on_latency,
            ResponseFinished: self._on_response_finished,
            ResponseUsageCounted: self._on_usage,
            SessionStateChanged: self._on_state_changed,
            ToolCallStarted: self._on_tool_call_started,
            ToolCallFinished: self._on_tool_call_finished,
        }

    def attach(self, engine: _Observable) -> None:
        """Listen to `engine` until `close()`, instead of any engine attached before (the app
        makes a new engine per connection; the conversation goes on until `new_conversation`)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._unsubscribe = engine.subscribe(self.handle)

    def close(self) -> None:
        """Store what is still in flight, stop listening (if attached) and close the store."""
        self.flush()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._writer.close()

    @property
    def conversation_id(self) -> str:
        """The conversation the next finished turn goes into."""
        return self._writer.conversation_id

    def new_conversation(self) -> str:
        """Store what is still in flight, then start a new conversation; returns its id."""
        self.flush()
        self._responses.clear()
        self._written.clear()
        self._latest_response_id = None
        self._user_started.clear()
        self._last_user_turn_id = None
        self._calls.clear()
        return self._writer.new_conversation()

    def flush(self) -> None:
        """Store every assistant turn still in flight as interrupted (app closing, new chat)."""
        for item_id in list(self._items):
            self._write_pending_item(item_id, interrupted=True)

    def handle(self, event: EngineEvent) -> None:
        """Engine listener: called on the loop for every event."""
        handler = self._handlers.get(type(event))
        if handler is not None:
            handler(event)

    # -- user turns -----------------------------------------------------------------------

    def _on_user_speech_started(self, event: EngineEvent) -> None:
        assert isinstance(event, UserSpeechStarted | UserTurnCommitted)
        unnamed = self._user_started.pop("", None)
        if event.item_id not in self._user_started:
            self._user_started[event.item_id] = unnamed or self._clock()
        while len(self._user_started) > _REMEMBERED_TURNS:
            self._user_started.popitem(last=False)

    def _user_turn_start(self, item_id: str) -> datetime | None:
        started = self._user_started.pop(item_id, None)
        if started is None and self._user_started:
            # A turn the service never named: the oldest one still waiting is this one.
            started = self._user_started.pop(next(iter(self._user_started)))
        return started

    def _on_user_turn(self, event: EngineEvent) -> None:
        assert isinstance(event, UserTranscriptCompleted | UserTextSent)
        now = self._clock()
        started = (
            self._user_turn_start(event.item_id)
            if isinstance(event, UserTranscriptCompleted)
            else None
        )
        if not event.text.strip():
            return  # a transcription of noise is not something the user said
        self._last_user_turn_id = self._writer.write(
            Turn(
                role="user",
                text=event.text,
                started_at=started or now,
                ended_at=now,
                item_id=event.item_id,
            )
        )

    # -- tool calls -----------------------------------------------------------------------

    def _on_tool_call_started(self, event: EngineEvent) -> None:
        assert isinstance(event, ToolCallStarted)
        self._calls[event.call_id] = _StartedCall(
            event.name, event.arguments, self._clock(), self._last_user_turn_id
        )

    def _on_tool_call_finished(self, event: EngineEvent) -> None:
        assert isinstance(event, ToolCallFinished)
        started = self._calls.pop(event.call_id, None)
        if started is None:
            return  # started before this recorder attached: its arguments are unknown
        record = ToolCallRecord(
            call_id=event.call_id,
            name=event.name,
            arguments=started.arguments,
            result=event.result,
            status=event.status.value,
            started_at=started.started_at,
            duration_ms=event.duration_ms,
            error=event.error,
        )
        self._writer.write_tool_call(started.turn_id, record)

    # -- assistant turns ------------------------------------------------------------------

    def _on_response_started(self, event: EngineEvent) -> None:
        assert isinstance(event, AssistantResponseStarted)
        self._responses[event.response_id] = _PendingResponse(started_at=self._clock())
        self._latest_response_id = event.response_id

    def _response(self, response_id: str) -> _PendingResponse:
        # A transcript can arrive without a response.created we saw (e.g. right after a reconnect).
        response = self._responses.get(response_id)
        if response is None:
            response = self._responses[response_id] = _PendingResponse(started_at=self._clock())
            self._latest_response_id = response_id
        return response

    def _item(self, response_id: str, item_id: str) -> _PendingItem:
        item = self._items.get(item_id)
        if item is None:
            response = self._response(response_id)
            item = self._items[item_id] = _PendingItem(response_id, response.started_at)
        return item

    def _on_transcript_delta(self, event: EngineEvent) -> None:
        assert isinstance(event, AssistantTranscriptDelta)
        if event.item_id not in self._written:
            self._item(event.response_id, event.item_id).text_parts.append(event.delta)

    def _on_transcript_completed(self, event: EngineEvent) -> None:
        assert isinstance(event, AssistantTranscriptCompleted)
        if event.item_id in self._written:
            return  # a duplicate `.done`: the turn is already stored
        item = self._item(event.response_id, event.item_id)
        item.text_parts = [event.text]
        self._write_pending_item(event.item_id, interrupted=item.interrupted)

    def _on_interrupted(self, event: EngineEvent) -> None:
        assert isinstance(event, AssistantInterrupted)
        written = self._written.get(event.item_id)
        if written is not None:
            self._writer.update(written, interrupted=True)
        elif event.item_id in self._items:
            self._items[event.item_id].interrupted = True
        elif self._latest_response_id is not None:
            # Barge-in before any transcript text: remember it for the item when it shows up.
            self._item(self._latest_response_id, event.item_id).interrupted = True

    def _on_latency(self, event: EngineEvent) -> None:
        assert isinstance(event, TurnLatencyMeasured)
        if self._latest_response_id is None:
            return
        response = self._responses.get(self._latest_response_id)
        if response is None or response.latency_ms is not None:
            return
        response.latency_ms = event.latency_ms
        for turn_id in response.written_turn_ids:
            self._writer.update(turn_id, latency_ms=event.latency_ms)

    def _on_usage(self, event: EngineEvent) -> None:
        assert isinstance(event, ResponseUsageCounted)
        response = self._responses.get(event.response_id)
        if response is None:
            return
        cost, currency = (None, "")
        if self.estimate_cost is not None:
            cost, currency = self.estimate_cost(event.tokens)
        response.usage = TurnUsage(event.tokens, cost, currency)
        for turn_id in response.written_turn_ids:
            self._writer.update(turn_id, usage=response.usage)

    def _on_response_finished(self, event: EngineEvent) -> None:
        assert isinstance(event, ResponseFinished)
        cut_short = event.status != "completed"
        response = self._responses.get(event.response_id)
        if cut_short and response is not None:
            # Its transcript may have been complete, but the answer was not heard to the end.
            for turn_id in response.written_turn_ids:
                self._writer.update(turn_id, interrupted=True)
        for item_id, item in list(self._items.items()):
            if item.response_id == event.response_id:
                self._write_pending_item(item_id, interrupted=item.interrupted or cut_short)
        self._responses.pop(event.response_id, None)

    def _on_state_changed(self, event: EngineEvent) -> None:
        assert isinstance(event, SessionStateChanged)
        if event.state in _CONNECTION_ENDED:
            self.flush()
            self._responses.clear()
            self._user_started.clear()

    def _write_pending_item(self, item_id: str, *, interrupted: bool) -> None:
        item = self._items.pop(item_id)
        text = "".join(item.text_parts)
        if not text.strip():
            return  # nothing was said before the cut, so there is no turn to keep
        response = self._responses.get(item.response_id)
        turn_id = self._writer.write(
            Turn(
                role="assistant",
                text=text,
                started_at=item.started_at,
                ended_at=self._clock(),
                interrupted=interrupted,
                latency_ms=response.latency_ms if response else None,
                item_id=item_id,
                usage=response.usage if response else None,
            )
        )
        if turn_id is None:
            return
        if response is not None:
            response.written_turn_ids.append(turn_id)
        self._written[item_id] = turn_id
        while len(self._written) > _REMEMBERED_TURNS:
            self._written.popitem(last=False)


def open_recorder(
    *,
    path: Path | None = None,
    on_failure: Callable[[str], None] | None = None,
) -> HistoryRecorder | None:
    """A recorder on the app's history (or `path`), not yet attached to any engine.

    Returns None when the history cannot be opened; the reason then goes to `on_failure` and
    the log, and the app carries on without history.
    """
    try:
        store = HistoryStore(path)
    except HistoryUnavailable as error:
        log.error("History is off for this run: %s", error)
        if on_failure is not None:
            on_failure(str(error))
        return None
    return HistoryRecorder(store, on_failure=on_failure)


def start_recording(
    engine: _Observable,
    *,
    path: Path | None = None,
    on_failure: Callable[[str], None] | None = None,
) -> HistoryRecorder | None:
    """Record every finished turn of `engine` into the app's history (or `path`).

    Returns the recorder (call `close()` when the app quits), or None when the history cannot
    be opened (see `open_recorder`).
    """
    recorder = open_recorder(path=path, on_failure=on_failure)
    if recorder is not None:
        recorder.attach(engine)
    return recorder
