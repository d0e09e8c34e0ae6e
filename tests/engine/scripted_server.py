"""A tiny scripted Voice Live websocket server for engine fault tests (real aiohttp, real port).

It speaks just enough of the protocol for the engine (session.updated, a streamed audio
response, cancel) and can misbehave on purpose: stay silent after session.update, drop the
socket mid-response, or push arbitrary frames. It records every client event it receives.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import math
import struct
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer

from voicelive_desktop.protocol import DEMO_API_KEY, REALTIME_PATH, SAMPLE_RATE_HZ


def tone_pcm16(ms: int, hz: float = 220.0) -> bytes:
    """`ms` of a quiet sine as 24 kHz PCM16 (stands in for assistant speech)."""
    count = SAMPLE_RATE_HZ * ms // 1000
    return struct.pack(
        f"<{count}h",
        *(int(6000 * math.sin(2 * math.pi * hz * i / SAMPLE_RATE_HZ)) for i in range(count)),
    )


@dataclass
class Script:
    """How the server behaves; tests change it between connections."""

    confirm_session: bool = True
    respond: bool = True  # False: ignore response.create, like a service that lost the turn
    reject_session_with: str | None = None  # answer session.update with this error message
    reply_text: str = "Hello from the scripted server."
    audio_chunks: int = 10
    chunk_ms: int = 100
    # Abort the TCP connection after this many audio chunks of a response (first time only).
    drop_after_chunks: int | None = None
    # Frames pushed right after session.updated (raw text frames, anything goes).
    hostile_frames: list[str] = field(default_factory=list)
    refuse_status: int | None = None  # answer the handshake with this HTTP status
    # Send input_audio_buffer.speech_started after this many audio chunks (a user cutting in).
    speech_started_after_chunks: int | None = None


class ScriptedServer:
    """Holds the script, the received client events and the running aiohttp server."""

    def __init__(self) -> None:
        self.script = Script()
        self.received: list[dict[str, Any]] = []
        self.connections = 0
        self._sockets: set[web.WebSocketResponse] = set()
        self._server: TestServer | None = None
        self._counter = 0

    @property
    def endpoint(self) -> str:
        assert self._server is not None
        return str(self._server.make_url("")).rstrip("/")

    @property
    def interrupts_on_speech(self) -> bool:
        """Whether the last session.update asked server VAD to cancel responses on speech."""
        updates = self.events_of("session.update")
        session = updates[-1].get("session") or {} if updates else {}
        detection = session.get("turn_detection")
        return isinstance(detection, dict) and detection.get("interrupt_response") is not False

    def events_of(self, kind: str) -> list[dict[str, Any]]:
        return [event for event in self.received if event.get("type") == kind]

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get(REALTIME_PATH, self._handle)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()

    async def close_sockets(self, code: int) -> None:
        """Close every open session politely with `code` (1000/1001: a planned end)."""
        for ws in list(self._sockets):
            await ws.close(code=code, message=b"session length limit reached")

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()

    def _next_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}_{self._counter}"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if self.script.refuse_status is not None:
            return web.Response(status=self.script.refuse_status)
        if request.headers.get("api-key") != DEMO_API_KEY:
            return web.Response(status=401, text="invalid api key")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.connections += 1
        self._sockets.add(ws)
        streaming: asyncio.Task[None] | None = None
        await self._send(ws, {"type": "session.created", "session": {"id": "sess_1"}})
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            event = json.loads(msg.data)
            self.received.append(event)
            kind = event.get("type")
            if kind == "response.create" and self.script.respond:
                streaming = asyncio.create_task(self._respond(ws, request))
            elif kind == "response.cancel" and streaming is not None:
                streaming.cancel()
            else:
                await self._answer(ws, event)
        if streaming is not None:
            streaming.cancel()
        self._sockets.discard(ws)
        return ws

    async def _answer(self, ws: web.WebSocketResponse, event: dict[str, Any]) -> None:
        """Reply to a client event other than response.create/cancel, as the script says."""
        kind = event.get("type")
        if kind == "session.update" and self.script.reject_session_with:
            error = {
                "type": "invalid_request_error",
                "message": self.script.reject_session_with,
            }
            await self._send(ws, {"type": "error", "error": error})
        elif kind == "session.update" and self.script.confirm_session:
            session = {"id": "sess_1", **event.get("session", {})}
            await self._send(ws, {"type": "session.updated", "session": session})
            for frame in self.script.hostile_frames:
                await ws.send_str(frame)
        elif kind == "conversation.item.truncate":
            truncated = {
                "type": "conversation.item.truncated",
                "item_id": event.get("item_id"),
                "content_index": 0,
                "audio_end_ms": event.get("audio_end_ms"),
            }
            await self._send(ws, truncated)

    async def _send(self, ws: web.WebSocketResponse, event: dict[str, Any]) -> None:
        event.setdefault("event_id", self._next_id("event"))
        # The client may be gone (a drop, a stop mid-reply); a real server just stops talking.
        with contextlib.suppress(ConnectionResetError):
            await ws.send_str(json.dumps(event))

    async def _respond(self, ws: web.WebSocketResponse, request: web.Request) -> None:
        response_id, item_id = self._next_id("resp"), self._next_id("item")
        status = "completed"
        details: dict[str, Any] | None = None
        reason = "client_cancelled"
        await self._send(
            ws,
            {"type": "response.created", "response": {"id": response_id, "status": "in_progress"}},
        )
        await self._send(
            ws,
            {
                "type": "response.output_item.added",
                "response_id": response_id,
                "output_index": 0,
                "item": {"id": item_id, "type": "message", "role": "assistant", "content": []},
            },
        )
        ids = {
            "response_id": response_id,
            "item_id": item_id,
            "output_index": 0,
            "content_index": 0,
        }
        try:
            await self._send(
                ws,
                {"type": "response.audio_transcript.delta", **ids, "delta": self.script.reply_text},
            )
            chunk = base64.b64encode(tone_pcm16(self.script.chunk_ms)).decode()
            for index in range(self.script.audio_chunks):
                if index == self.script.drop_after_chunks:
                    self.script.drop_after_chunks = None
                    assert request.transport is not None
                    request.transport.close()  # a network drop, not a polite close
                    return
                if index == self.script.speech_started_after_chunks:
                    await self._send(
                        ws, {"type": "input_audio_buffer.speech_started", "audio_start_ms": 1000}
                    )
                    if self.interrupts_on_speech:
                        # Server VAD cancels the response itself (interrupt_response).
                        reason = "turn_detected"
                        raise asyncio.CancelledError
                await self._send(ws, {"type": "response.audio.delta", **ids, "delta": chunk})
                await asyncio.sleep(self.script.chunk_ms / 1000)
            await self._send(ws, {"type": "response.audio.done", **ids})
            await self._send(
                ws,
                {
                    "type": "response.audio_transcript.done",
                    **ids,
                    "transcript": self.script.reply_text,
                },
            )
        except asyncio.CancelledError:
            status = "cancelled"
            details = {"type": "cancelled", "reason": reason}
        await self._send(
            ws,
            {
                "type": "response.done",
                "response": {
                    "id": response_id,
                    "status": status,
                    "status_details": details,
                    "output": [],
                    "usage": {"total_tokens": 12, "input_tokens": 5, "output_tokens": 7},
                },
            },
        )
