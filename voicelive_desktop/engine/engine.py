"""SessionEngine: one Voice Live conversation over the SDK's websocket, with reconnect."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

from voicelive_desktop.background_tasks import BackgroundTasks
from voicelive_desktop.engine.backoff import ReconnectBackoff
from voicelive_desktop.engine.barge_in import BargeIn, tell_server
from voicelive_desktop.engine.client_event_log import ClientEventLog
from voicelive_desktop.engine.connection import Credential, LiveConnection, Request
from voicelive_desktop.engine.conversation_memory import DEFAULT_MAX_TURNS, ConversationMemory
from voicelive_desktop.engine.errors import ConnectionLost, VoiceLiveError, validate_endpoint
from voicelive_desktop.engine.event_log import EventLog
from voicelive_desktop.engine.events import (
    EngineEvent,
    SessionErrorReported,
    SessionState,
    SessionStateChanged,
    ToolApprovalDecision,
)
from voicelive_desktop.engine.function_calls import DEFAULT_APPROVAL_TIMEOUT_S
from voicelive_desktop.engine.greeting import greeting_request
from voicelive_desktop.engine.hostile_input import HostileInputStats
from voicelive_desktop.engine.input_audio import MicUpload
from voicelive_desktop.engine.playback_port import PlaybackSink
from voicelive_desktop.engine.reconnect import ReconnectLoop
from voicelive_desktop.engine.remote_mcp_config import RemoteMcpServer
from voicelive_desktop.engine.requested_session import RequestedSession
from voicelive_desktop.engine.response_requests import ResponseRequests
from voicelive_desktop.engine.server_events import ServerEventHandler
from voicelive_desktop.engine.session_settings import (
    ConnectionSettings,
    EchoCancellationMode,
    SessionSettings,
)
from voicelive_desktop.engine.session_update import SessionUpdates
from voicelive_desktop.engine.state import SessionStateMachine
from voicelive_desktop.engine.thinking_timeout import DEFAULT_THINKING_TIMEOUT_S, ThinkingTimeout
from voicelive_desktop.engine.tool_calls import SessionToolCalls
from voicelive_desktop.engine.tool_config import OfferedTools
from voicelive_desktop.engine.user_input import UserInput, create_item
from voicelive_desktop.tools.registry import ToolRegistry

log = logging.getLogger(__name__)

Listener = Callable[[EngineEvent], None]

_S = SessionState


class SessionEngine:
    """Owns one conversation: connection, session config, mic upload, barge-in, reconnect."""

    def __init__(
        self,
        connection: ConnectionSettings,
        credential: Credential,
        session: SessionSettings,
        *,
        playback: PlaybackSink | None = None,
        ready_timeout_s: float = 10.0,
        connect_timeout_s: float = 10.0,
        backoff: ReconnectBackoff | None = None,
        context_turns: int = DEFAULT_MAX_TURNS,
        thinking_timeout_s: float = DEFAULT_THINKING_TIMEOUT_S,
        tools: ToolRegistry | None = None,
        approval_timeout_s: float = DEFAULT_APPROVAL_TIMEOUT_S,
        remote_mcp: Sequence[RemoteMcpServer] = (),
        echo_fallback: EchoCancellationMode = EchoCancellationMode.SERVICE,
    ) -> None:
        """`echo_fallback`: the echo mode to run when the service refuses the client echo
        reference (this computer's canceller, where it loads)."""
        self._connection = connection
        self._credential = credential
        self._session = session
        self._connect_timeout_s = connect_timeout_s
        self._listeners: list[Listener] = []
        self._states = SessionStateMachine(self._state_changed)
        self._memory = ConversationMemory(context_turns)
        self._client_events = ClientEventLog()
        self._tools = OfferedTools(
            tools, reconfigure=self._reconfigure_live, report=lambda e: self._report(e, fatal=False)
        )
        self._updates = SessionUpdates(
            send=self._send,
            endpoint=connection.endpoint,
            ready_timeout_s=ready_timeout_s,
            on_confirmed=self._tools.confirmed,
        )
        self._requested = RequestedSession(
            connection,
            self._tools,
            self._updates,
            emit=self._emit,
            echo_fallback=echo_fallback,
            remote_mcp=remote_mcp,
        )
        self._responses = ResponseRequests(self._send, lambda: self._handler.responding)
        self._handler = ServerEventHandler(
            emit=self._emit,
            states=self._states,
            memory=self._memory,
            playback=playback,
            on_session_updated=self._updates.confirmed,
            on_barge_in=self._barge_in_happened,
            on_server_error=self._updates.server_error,
            awaiting_tools=lambda: self._tool_calls.busy,
            client_events=self._client_events,
        )
        self._tool_calls = SessionToolCalls(
            registry=tools or ToolRegistry(),
            emit=self._emit,
            send=self._send,
            request_response=self._responses.request,
            remember=self._memory.remember_call,
            spawn=self._spawn,
            approval_timeout_s=approval_timeout_s,
            requested=self._requested,
            in_conversation=lambda: self._states.in_conversation,
            reconfigure=self._reconfigure_live,
            report=lambda e: self._report(e, fatal=False),
        )
        self.remote_calls = self._tool_calls.remote
        self._thinking = ThinkingTimeout(
            thinking_timeout_s,
            tools_busy=lambda: self._tool_calls.busy,
            responding=lambda: self._handler.responding,
            listen_again=lambda: self._states.advance(_S.READY),
        )
        self._mic = MicUpload(lambda: self._live)
        self._input = UserInput(
            send=self._send,
            states=self._states,
            handler=self._handler,
            responses=self._responses,
            calls=self._tool_calls.local,
            memory=self._memory,
            mic=self._mic,
            emit=self._emit,
        )
        self._live: LiveConnection | None = None
        self._background = BackgroundTasks("session engine")
        self._reconnect = ReconnectLoop(
            self._background,
            backoff or ReconnectBackoff(),
            emit=self._emit,
            reopen=self._reopen,
            close=self._close_connection,
            alive=lambda: self._live is not None and self._live.alive,
            give_up=self._give_up,
            resumed=lambda: self._states.advance(_S.READY),
        )
        # Where the event inspector's messages go; set before start() to record them.
        self.event_log: EventLog | None = None

    # -- observing -------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(event)` on the loop for every engine event; returns an unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    @property
    def state(self) -> SessionState:
        return self._states.state

    @property
    def hostile_input(self) -> HostileInputStats:
        """Counts of unknown, malformed and out-of-order server events survived."""
        return self._handler.stats

    @property
    def dropped_input_ms(self) -> int:
        """Microphone audio dropped because the connection could not take it."""
        return self._mic.queue.dropped_ms

    def _emit(self, event: EngineEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("engine listener failed on %s", type(event).__name__)

    def _state_changed(self, state: SessionState, previous: SessionState) -> None:
        log.info("session state: %s -> %s", previous.value, state.value)
        self._thinking.state_changed(state)
        self._emit(SessionStateChanged(state, previous))

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Connect, configure the session and wait until the service confirms it.

        Raises a VoiceLiveError subclass (also reported as a fatal SessionErrorReported), or
        InvalidSessionSettings before connecting when a setting is unusable.
        """
        if self.state is not _S.DISCONNECTED:
            raise RuntimeError(f"start() called in state {self.state.value}")
        self._requested.config(self._session)  # raises InvalidSessionSettings before connecting
        self._memory.clear()  # a new conversation; context is restored only on reconnects
        self._states.advance(_S.CONNECTING)
        try:
            validate_endpoint(self._connection.endpoint)
            await self._open()
            if not self._connecting():
                raise ConnectionLost("The session was stopped while it was connecting.")
        except VoiceLiveError as exc:
            if self._connecting():  # not when stop() ended it on purpose
                self._report(exc, fatal=True)
            await self._teardown()
            raise
        except asyncio.CancelledError:
            await self._teardown()
            raise
        self._mic.start()
        self._tools.follow()
        self._states.advance(_S.READY)
        if self._session.greet_on_connect:
            # Once per conversation: a reconnect resumes it and must not greet again.
            await self._send(create_item(greeting_request()))
            await self._responses.request()

    def _connecting(self) -> bool:
        return self._states.state is _S.CONNECTING

    async def stop(self) -> None:
        """End the session and close the connection; safe to call in any state."""
        if self.state is _S.DISCONNECTED:
            return
        self._states.advance(_S.CLOSING)
        await self._teardown()

    async def reconnect(self) -> None:
        """Drop the connection and open a new one with the same context (after sleep/resume).

        A reconnect already waiting out its backoff starts over at once: whatever kept the
        service out of reach (a sleeping machine's network) may be gone now.
        """
        if not self._reconnect.restart_now() and self._states.in_conversation:
            self._begin_reconnect(planned=True)

    async def _teardown(self) -> None:
        self._background.cancel_all(keep=asyncio.current_task())
        self._reconnect.forget()
        self._tools.unfollow()
        self._mic.stop()
        self._drop_turn_in_progress()
        await self._close_connection()
        unknown = self._handler.stats.unknown_by_type
        if unknown.total:
            log.info("unknown server event types this session: %s", unknown.summary())
            unknown.clear()
        self._states.advance(_S.DISCONNECTED)

    async def _close_connection(self) -> None:
        live, self._live = self._live, None
        self._updates.connection_ended("The session was closed before it was ready.")
        if live is not None:
            await live.close()

    async def _open(self) -> None:
        """Open a websocket, send the session config, wait for session.updated."""
        live = await LiveConnection.open(
            self._connection,
            self._credential,
            self._handler.stats,
            self._connect_timeout_s,
            self.event_log,
            self._client_events,
        )
        self._live = live
        live.start_receiving(self._handle_server_event, lambda planned: self._lost(live, planned))
        await self._requested.send(self._session)

    def _report(self, error: VoiceLiveError, *, fatal: bool) -> None:
        self._emit(SessionErrorReported(error.kind, error.message, fatal))

    def _lost(self, live: LiveConnection, planned: bool) -> None:
        """The socket of `live` ended by itself."""
        if live is not self._live:
            return
        self._updates.connection_ended("The connection closed before the session was ready.")
        if self._states.in_conversation and not self._reconnect.running:
            # When the service already said why it closed (session expired), once is enough.
            announce = not self._handler.ending_announced
            self._handler.ending_announced = False
            self._begin_reconnect(planned=planned, announce=announce)

    # -- reconnect -------------------------------------------------------------------

    def _drop_turn_in_progress(self) -> None:
        """Forget what the closed connection was in the middle of: a response, a manual turn."""
        self._handler.connection_lost()
        self._tool_calls.cancel_all("The connection to Voice Live was lost while the tool ran.")
        self._responses.connection_ended()
        self._input.forget_manual_turn()

    def _begin_reconnect(self, *, planned: bool, announce: bool = False) -> None:
        self._drop_turn_in_progress()
        self._mic.queue.clear()
        self._states.advance(_S.RECONNECTING)
        self._reconnect.start(planned=planned, announce=announce)

    async def _reopen(self) -> None:
        await self._open()
        await self._restore_context()

    async def _give_up(self, error: VoiceLiveError) -> None:
        self._report(error, fatal=True)
        await self._teardown()

    async def _restore_context(self) -> None:
        for item in self._memory.as_items():
            await self._send(create_item(item))
        log.info("restored %d conversation turns", len(self._memory.turns))

    # -- sending ---------------------------------------------------------------------

    async def _send(self, request: Request) -> None:
        """Send one client event on the current connection; raises ConnectionLost if none."""
        live = self._live
        if live is None:
            raise ConnectionLost("Not connected to Voice Live; wait until it is ready.")
        await live.send(request)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        """Run `coroutine` in the background, under the engine's one task helper."""
        self._background.spawn(coroutine)

    def _barge_in_happened(self, barge_in: BargeIn) -> None:
        self._background.spawn(tell_server(self._send, barge_in), "barge-in")

    def submit_input_audio(self, pcm16: bytes) -> None:
        """Queue one mic frame (24 kHz mono PCM16); sync, never blocks, call on the loop."""
        self._input.submit_audio(pcm16)

    async def send_text(self, text: str) -> None:
        """Send a typed user message and ask for a response (interrupting the assistant)."""
        await self._input.send_text(text)

    def _handle_server_event(self, event: Mapping[str, Any]) -> None:
        # The calls see response.done first: while they still work, the state stays THINKING.
        self._tool_calls.handle(event)
        self._handler.handle(event)
        if self._tool_calls.busy and self.state is _S.READY:
            self._states.advance(_S.THINKING)  # the answer waits for the tools
        self._responses.server_event_handled()

    async def speak(self, text: str) -> None:
        """Have the voice say `text` word for word (the voice preview), with response.create's
        pre-generated assistant message (how-to-voice-live-proactive-messages.md, Option 1)."""
        await self._input.speak(text)

    async def interrupt(self) -> None:
        """User-initiated barge-in: silence the assistant and tell the server where it stopped."""
        await self._input.interrupt()

    async def begin_manual_turn(self) -> None:
        """Push-to-talk pressed: cut the assistant off and start a fresh input buffer.

        Pressing again during a turn (key auto-repeat) changes nothing.
        """
        await self._input.begin_manual_turn()

    async def end_manual_turn(self) -> bool:
        """Push-to-talk released: commit the audio and request a response.

        Returns False when there was no turn or it was shorter than ~150 ms (a key tap): the
        buffer is cleared instead, so a tap never produces an answer to silence.
        """
        return await self._input.end_manual_turn()

    async def apply_settings(self, session: SessionSettings) -> bool:
        """Use new session settings now (live `session.update`) and on every reconnect.

        True when the service confirmed them with its `session.updated`; False when no
        conversation is open, so they wait for the next connection. Raises
        InvalidSessionSettings before anything changes when a value is unusable, and
        SessionNotReady (keeping the previous settings) when the service refuses them.
        """
        self._requested.config(session)  # raises InvalidSessionSettings before anything changes
        live = self._states.in_conversation
        if live:
            await self._requested.send(session)
        self._session = session
        return live

    # -- tools -----------------------------------------------------------------------

    def use_remote_mcp(self, servers: Sequence[RemoteMcpServer]) -> None:
        """Offer these remote MCP servers: from the start, or at once in a live conversation
        (the session config is sent again, as for a change of the local tools)."""
        self._tool_calls.use_remote_mcp(servers)

    def answer_tool_approval(self, call_id: str, decision: ToolApprovalDecision) -> bool:
        """The user's answer to a ToolApprovalRequested; False when nothing waits for it
        (it timed out, was cancelled, or the call_id is unknown)."""
        return self._tool_calls.answer_approval(call_id, decision)

    async def _reconfigure_live(self) -> bool:
        """The registry changed: send the session config again if a conversation is open."""
        if not self._states.in_conversation:
            return False
        await self._requested.send(self._session)
        return True
