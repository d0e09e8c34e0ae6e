"""One simulated Voice Live session on one websocket: client events in, server events out."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import WSMsgType, web

from voicelive_desktop.background_tasks import BackgroundTasks
from voicelive_desktop.simulator import item_events, wire
from voicelive_desktop.simulator.agent_mode import (
    AgentConnection,
    agent_call_query,
    send_agent_call,
)
from voicelive_desktop.simulator.client_events import parse_frame
from voicelive_desktop.simulator.conversation import Conversation
from voicelive_desktop.simulator.faults import SimulatorFaults
from voicelive_desktop.simulator.function_call_items import calls_waiting_for_output
from voicelive_desktop.simulator.function_calls import FunctionCallStream, calls_for_turn
from voicelive_desktop.simulator.hostile import hostile_frames
from voicelive_desktop.simulator.input_audio import InputAudioBuffer
from voicelive_desktop.simulator.recorder import EventRecorder
from voicelive_desktop.simulator.remote_mcp import (
    InvalidMcpTool,
    McpCallStream,
    RemoteMcp,
    RemoteServer,
)
from voicelive_desktop.simulator.replies import pre_generated_text
from voicelive_desktop.simulator.reply_choice import reply_for
from voicelive_desktop.simulator.response_options import checked_options
from voicelive_desktop.simulator.responses import ConnectionDropped, ResponseStream
from voicelive_desktop.simulator.service_modes import (
    session_start_extras,
    shaped,
)
from voicelive_desktop.simulator.session_config import (
    InvalidSessionUpdate,
    default_session,
)
from voicelive_desktop.simulator.session_limits import SessionLimits
from voicelive_desktop.simulator.session_updates import updated_session
from voicelive_desktop.simulator.speech import SpeechSynthesizer
from voicelive_desktop.simulator.voice_options import speech_style
from voicelive_desktop.simulator.wire import Event

log = logging.getLogger(__name__)


def _server_error(client_event: Event) -> Event:
    client_id = client_event.get("event_id")
    return wire.error_event(
        "The simulator failed internally; see its log. The session stays open.",
        code="internal_error",
        client_event_id=client_id if isinstance(client_id, str) else None,
        error_type="server_error",
    )


class SimulatedSession:
    """Owns the socket, the session config, the conversation and the streaming response."""

    def __init__(
        self,
        number: int,
        ws: web.WebSocketResponse,
        request: web.Request,
        *,
        model: str | None,
        agent: AgentConnection | None = None,
        faults: SimulatorFaults,
        recorder: EventRecorder,
        synthesizer: SpeechSynthesizer,
    ) -> None:
        self.number = number
        self.session: dict[str, Any] = default_session(wire.new_id("sess"), model)
        self._agent = agent
        if agent is not None:
            self.session["instructions"] = agent.instructions
        self._ws = ws
        self._request = request
        self._faults = faults
        self._recorder = recorder
        self._synthesizer = synthesizer
        self._conversation = Conversation()
        self._response: ResponseStream | FunctionCallStream | McpCallStream | None = None
        self._remote_mcp = RemoteMcp(self.send, self._conversation)
        self._remote_servers: list[RemoteServer] = []
        self._tasks = BackgroundTasks(f"simulated session {number}")
        self._input = InputAudioBuffer(
            self.session,
            send=self.send,
            conversation=self._conversation,
            faults=faults,
            tasks=self._tasks,
            interrupt=self._interrupt_response,
            respond=lambda: self._start_response({}),
        )
        self._limits = SessionLimits(
            faults, self._tasks, send=self.send, close=self.close, closed=lambda: ws.closed
        )
        self._handlers: dict[str, Callable[[Event], Awaitable[None]]] = {
            "session.update": self._session_update,
            "input_audio_buffer.append": self._input.append,
            "input_audio_buffer.commit": self._input.commit,
            "input_audio_buffer.clear": self._input.clear,
            "conversation.item.create": self._item_create,
            "conversation.item.delete": self._on_item(item_events.delete_item),
            "conversation.item.retrieve": self._on_item(item_events.retrieve_item),
            "conversation.item.truncate": self._on_item(item_events.truncate_item),
            "response.create": self._response_create,
            "response.cancel": self._response_cancel,
        }
        self._handled = frozenset(self._handlers)

    def _on_item(
        self, handle: Callable[[Conversation, Event], Event]
    ) -> Callable[[Event], Awaitable[None]]:
        async def reply(event: Event) -> None:
            await self.send(handle(self._conversation, event))

        return reply

    @property
    def agent(self) -> AgentConnection | None:
        """The Foundry agent this session was opened for (agent mode), else None."""
        return self._agent

    async def _item_create(self, event: Event) -> None:
        item = event.get("item")
        refused = self._faults.modes.refuse_messages_containing
        if refused and refused in json.dumps(item):
            await self._error(
                event, "The message was rejected by the content filter.", "content_filter"
            )
        elif isinstance(item, dict) and item.get("type") == "mcp_approval_response":
            await self._approval_response(event, item)
        else:
            await self._on_item(item_events.create_item)(event)

    async def _approval_response(self, event: Event, item: Event) -> None:
        if not self._remote_mcp.is_pending(item.get("approval_request_id")):
            await self._error(
                event,
                f"No pending MCP approval request {item.get('approval_request_id')!r}.",
                "invalid_value",
                "item.approval_request_id",
            )
            return
        raw = {**item, "id": item.get("id") or wire.new_id("item"), "object": "realtime.item"}
        stream = self._remote_mcp.approval_answered(raw)
        await self.send({"type": "conversation.item.created", "item": raw})
        if stream is not None:
            self._response = stream
            self._tasks.spawn(self._run_response(stream), "response")

    async def serve(self) -> None:
        """Run until the client or a fault closes the socket; cleans up its own tasks."""
        self._limits.start()
        try:
            await self.send({"type": "session.created", "session": self.session})
            for extra in session_start_extras(self._faults.modes):
                await self.send(extra)
            async for message in self._ws:
                self._limits.client_event_arrived()
                if message.type is WSMsgType.TEXT:
                    await self._on_text(message.data)
                elif message.type is WSMsgType.BINARY:
                    await self.send(
                        wire.error_event(
                            "Binary frames are not supported; send JSON text events.",
                            code="invalid_value",
                        )
                    )
        except ConnectionDropped:
            pass
        finally:
            self._limits.stop()
            self._tasks.cancel_all()
            await self._tasks.wait_idle()

    async def send(self, event: Event) -> None:
        """Send one server event (an event_id is added) unless the socket is already gone."""
        event = shaped({"event_id": wire.new_id("event"), **event}, self._faults.modes)
        if self._ws.closed:
            return
        self._recorder.record_sent(self.number, event)
        if event.get("type") == "response.audio.delta":
            self._input.assistant_audio_sent(base64.b64decode(event["delta"]))
        with contextlib.suppress(ConnectionResetError):
            await self._ws.send_str(json.dumps(event))

    async def send_raw(self, frames: list[str]) -> None:
        """Push text frames as they are (hostile traffic); not recorded as sent events."""
        for frame in frames:
            if self._ws.closed:
                return
            with contextlib.suppress(ConnectionResetError):
                await self._ws.send_str(frame)

    async def close(self, code: int, reason: str) -> None:
        """Close the websocket politely with `code` (1000: normal, 1001: going away)."""
        await self._ws.close(code=code, message=reason.encode("utf-8"))

    async def _on_text(self, data: str) -> None:
        parsed = parse_frame(data, self._handled)
        self._recorder.record_received(self.number, parsed.event)
        if parsed.error is not None:
            await self.send(parsed.error)
            return
        try:
            await self._handlers[parsed.event["type"]](parsed.event)
        except ConnectionDropped:
            raise
        except Exception:
            # A simulator bug must not end a demo conversation; the log keeps the traceback.
            log.exception("session %d failed on %s", self.number, parsed.event["type"])
            await self.send(_server_error(parsed.event))

    async def _error(self, event: Event, message: str, code: str, param: str | None = None) -> None:
        await self.send(wire.error_for(event, message, code, param))

    # --- session -------------------------------------------------------------------------

    async def _session_update(self, event: Event) -> None:
        try:
            session, remote_servers = updated_session(
                self.session, event.get("session"), self._faults, self._agent
            )
        except (InvalidSessionUpdate, InvalidMcpTool) as error:
            await self._error(event, str(error), "invalid_value", error.param)
            return
        self.session = session
        self._remote_servers = remote_servers
        self._input.configure(self.session)
        if self._faults.withhold_session_updated:
            return
        if self._faults.session_updated_delay_s > 0:
            self._tasks.spawn(
                self._confirm_session_later(self._faults.session_updated_delay_s), "late confirm"
            )
        else:
            await self._confirm_session()

    async def _confirm_session_later(self, delay_s: float) -> None:
        await asyncio.sleep(delay_s)
        await self._confirm_session()

    async def _confirm_session(self) -> None:
        await self.send({"type": "session.updated", "session": self.session})
        # The service lists remote MCP tools once the session is configured.
        self._tasks.spawn(self._remote_mcp.configure(self._remote_servers), "remote mcp")
        for kind in list(self._faults.hostile_after_session_updated):
            await self.send_raw(hostile_frames(kind, self._faults))

    # --- responses -----------------------------------------------------------------------

    async def _response_create(self, event: Event) -> None:
        if self._response is not None:
            await self._error(
                event,
                "Conversation already has an active response in progress: "
                f"{self._response.response_id}. Wait until the response is finished before "
                "creating a new one.",
                "conversation_already_has_active_response",
            )
            return
        waiting = calls_waiting_for_output(self._conversation)
        if waiting:
            # No documented Voice Live text; worded like the OpenAI Responses API's error for
            # a function call answered without its output.
            await self._error(
                event,
                f"No tool output found for function call {waiting[0]}. Send a "
                "function_call_output item for every call before response.create.",
                "missing_tool_output",
            )
            return
        options, error = checked_options(event)
        if error is not None:
            await self.send(error)
            return
        await self._start_response(options)

    async def _start_response(self, options: Event) -> None:
        if self._response is not None:
            return  # server VAD ended a turn while the reply is still streaming
        modalities = list(options.get("modalities") or self.session["modalities"])
        scripted = pre_generated_text(options)
        calls = calls_for_turn(self._conversation, self.session) if scripted is None else []
        if calls:
            self._response = FunctionCallStream(
                send=self.send, conversation=self._conversation, calls=calls, modalities=modalities
            )
            self._tasks.spawn(self._run_response(self._response), "response")
            return
        agent_query = agent_call_query(self._conversation) if self._agent else None
        if agent_query is not None and scripted is None:
            self._tasks.spawn(self._agent_call(agent_query, options), "agent call")
            return
        remote_call = self._remote_mcp.stream_for(modalities) if scripted is None else None
        if remote_call is not None:
            self._response = remote_call
            self._tasks.spawn(self._run_response(remote_call), "response")
            return
        reply = scripted if scripted is not None else reply_for(self._conversation, self._agent)
        stream = ResponseStream(
            send=self.send,
            conversation=self._conversation,
            synthesizer=self._synthesizer,
            reply=reply,
            modalities=modalities,
            input_tokens=self._conversation.input_tokens(),
            before_audio_delta=self._maybe_drop,
            style=speech_style(self.session.get("voice")),
            word_timestamps=self._wants_word_timestamps(),
            modes=self._faults.modes,
        )
        self._response = stream
        self._input.response_streaming(True)
        self._tasks.spawn(self._run_response(stream), "response")

    def _wants_word_timestamps(self) -> bool:
        # "When you use Azure voices, and output_audio_timestamp_types is configured"
        # (voice-live-how-to.md, "Audio timestamps"): not with the OpenAI voices.
        kinds = self.session.get("output_audio_timestamp_types") or []
        voice = self.session.get("voice")
        openai_voice = isinstance(voice, dict) and voice.get("type") == "openai"
        return isinstance(kinds, list) and "word" in kinds and not openai_voice

    async def _run_response(
        self, stream: ResponseStream | FunctionCallStream | McpCallStream
    ) -> None:
        try:
            await stream.run()
        except ConnectionDropped:
            pass
        except Exception:
            log.exception("session %d: response %s failed", self.number, stream.response_id)
            await self.send(stream.failed_event(_server_error({})["error"]))
        finally:
            self._response = None
            self._input.response_streaming(False)

    async def _agent_call(self, query: str, options: Event) -> None:
        """The agent calls its own tool, then answers from it (no client request between)."""
        await send_agent_call(self.send, self._conversation, query)
        await self._start_response(options)

    def _interrupt_response(self) -> None:
        """Barge-in: the user started speaking over the response."""
        if self._response is not None:
            self._response.cancel("turn_detected")

    async def _response_cancel(self, event: Event) -> None:
        wanted = event.get("response_id")
        if self._response is None or wanted not in (None, self._response.response_id):
            await self._error(
                event,
                "Cancellation failed: no active response found.",
                "response_cancel_not_active",
            )
            return
        if self._faults.modes.cancel_races_server:
            # The service ended it a moment before the cancel arrived.
            stream = self._response
            stream.cancel("turn_detected")
            while self._response is stream:  # its response.done goes out first
                await asyncio.sleep(0.01)
            await self._error(
                event,
                "Cancellation failed: no active response found.",
                "response_cancel_not_active",
            )
            return
        self._response.cancel("client_cancelled")

    # --- faults --------------------------------------------------------------------------

    async def _maybe_drop(self, delta_index: int) -> None:
        if self._faults.take_drop(delta_index):
            log.info("fault: dropping connection %d mid-response", self.number)
            transport = self._request.transport
            if transport is not None:
                transport.abort()  # a network drop: no close frame
            raise ConnectionDropped
