"""The simulator server: aiohttp app at the realtime path, start/stop on any running loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Collection
from types import TracebackType
from typing import Any

from aiohttp import web

from voicelive_desktop.protocol import DEMO_API_KEY, REALTIME_PATH
from voicelive_desktop.simulator.agent_mode import agent_from_query, agent_refusal
from voicelive_desktop.simulator.connection import SimulatedSession
from voicelive_desktop.simulator.faults import Hostile, SimulatorFaults
from voicelive_desktop.simulator.handshake import HandshakePolicy
from voicelive_desktop.simulator.hostile import hostile_frames
from voicelive_desktop.simulator.recorder import EventRecorder, Predicate, RecordedEvent
from voicelive_desktop.simulator.speech import SpeechSynthesizer

log = logging.getLogger(__name__)


class VoiceLiveSimulator:
    """A local Voice Live service for the offline demo and for tests.

        async with VoiceLiveSimulator() as sim:       # port 0: a free port
            connect(endpoint=sim.endpoint, credential=AzureKeyCredential("demo"), ...)
            await sim.wait_for_event("response.cancel")

    It records every client event (`received_events`) and every server event (`sent_events`),
    keeps each session's applied config (`sessions`), and misbehaves as `faults` says.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        api_key: str = DEMO_API_KEY,
        bearer_tokens: Collection[str] | None = None,
        models: Collection[str] | None = None,
        faults: SimulatorFaults | None = None,
        use_espeak: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.policy = HandshakePolicy(api_key, bearer_tokens, models)
        self.faults = faults or SimulatorFaults()
        self.synthesizer = SpeechSynthesizer(use_espeak=use_espeak)
        self.recorder = EventRecorder()
        self.sessions: dict[int, SimulatedSession] = {}
        self.handshakes: list[int] = []  # HTTP status of every upgrade attempt, in order
        # The query of every upgrade attempt and how it signed in ("api-key", "bearer" or "").
        self.handshake_queries: list[tuple[dict[str, str], str]] = []
        self._connections = 0
        self._runner: web.AppRunner | None = None

    @property
    def endpoint(self) -> str:
        """The URL to give the SDK's connect(), e.g. http://127.0.0.1:43215."""
        if self._runner is None:
            raise RuntimeError("the simulator is not running")
        return f"http://{self.host}:{self.port}"

    @property
    def received_events(self) -> list[RecordedEvent]:
        """Client events in arrival order (a copy; the newest 20 000 are kept)."""
        return list(self.recorder.received)

    @property
    def sent_events(self) -> list[RecordedEvent]:
        """Server events in send order (a copy; the newest 20 000 are kept)."""
        return list(self.recorder.sent)

    @property
    def session_config(self) -> dict[str, Any] | None:
        """The applied config of the most recent session (None before any connection)."""
        if not self.sessions:
            return None
        return self.sessions[max(self.sessions)].session

    def received_of(self, kind: str) -> list[dict[str, Any]]:
        """Payloads of every received client event of `kind`, in order."""
        return [e.payload for e in self.recorder.received if e.type == kind]

    def sent_of(self, kind: str) -> list[dict[str, Any]]:
        """Payloads of every server event of `kind` sent so far, in order."""
        return [e.payload for e in self.recorder.sent if e.type == kind]

    async def wait_for_event(
        self, kind: str, timeout: float = 5.0, predicate: Predicate | None = None
    ) -> dict[str, Any]:
        """The first client event of `kind` (matching `predicate`) ever received, waiting for it.

        Raises TimeoutError naming what was received instead.
        """
        return await self.recorder.wait_for(self.recorder.received, kind, timeout, predicate)

    async def wait_for_sent(
        self, kind: str, timeout: float = 5.0, predicate: Predicate | None = None
    ) -> dict[str, Any]:
        """Like wait_for_event, for events the simulator sent."""
        return await self.recorder.wait_for(self.recorder.sent, kind, timeout, predicate)

    async def start(self) -> VoiceLiveSimulator:
        """Listen on the running loop (plain asyncio or qasync); port 0 picks a free port."""
        app = web.Application()
        app.router.add_get(REALTIME_PATH, self._handle)
        # Sessions are closed before cleanup; never wait aiohttp's default minute for stragglers.
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        address = runner.addresses[0]
        self.port = int(address[1])
        log.info("Voice Live simulator listening on %s", self.endpoint)
        return self

    async def stop(self) -> None:
        """Close every session (code 1001, going away) and stop listening."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        for session in list(self.sessions.values()):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(session.close(1001, "simulator shutting down"), 2.0)
        await runner.cleanup()

    async def close_sessions(self, code: int = 1000, reason: str = "session closed") -> None:
        """Close every open session politely, as the service does at its limits."""
        for session in list(self.sessions.values()):
            await session.close(code, reason)

    async def push_frames(self, frames: list[str], connection: int | None = None) -> None:
        """Send raw text frames to one open session (by number) or to all of them."""
        for number, session in list(self.sessions.items()):
            if connection in (None, number):
                await session.send_raw(frames)

    async def push_hostile(self, kind: Hostile, connection: int | None = None) -> None:
        """Send one burst of `kind` now, e.g. in the middle of a response."""
        await self.push_frames(hostile_frames(kind, self.faults), connection)

    async def __aenter__(self) -> VoiceLiveSimulator:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if self.faults.refusing:
            self.handshakes.append(503)
            return web.json_response(
                {
                    "error": {
                        "code": "ServiceUnavailable",
                        "message": "The service is temporarily unavailable.",
                    }
                },
                status=503,
            )
        auth = request.headers.get("Authorization", "").partition(" ")[0].lower()
        signed_in = "api-key" if "api-key" in request.headers else auth
        self.handshake_queries.append((dict(request.query), signed_in))
        refusal = self.policy.refusal(request) or agent_refusal(request.query, request.headers)
        if refusal is not None:
            self.handshakes.append(refusal.status)
            return refusal
        ws = web.WebSocketResponse(max_msg_size=16 * 1024 * 1024)
        await ws.prepare(request)
        self.handshakes.append(101)
        self._connections += 1
        session = SimulatedSession(
            self._connections,
            ws,
            request,
            model=request.query.get("model"),
            agent=agent_from_query(request.query),
            faults=self.faults,
            recorder=self.recorder,
            synthesizer=self.synthesizer,
        )
        self.sessions[session.number] = session
        log.info("session %d opened (model %s)", session.number, session.session["model"])
        try:
            await session.serve()
        finally:
            log.info("session %d closed", session.number)
        return ws


@contextlib.asynccontextmanager
async def running_simulator(**options: Any) -> AsyncIterator[str]:
    """A simulator on a free local port for the duration of the block; yields its endpoint."""
    async with VoiceLiveSimulator(**options) as simulator:
        yield simulator.endpoint
