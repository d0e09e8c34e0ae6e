"""One open Voice Live websocket: opening with error mapping, ordered sends, sturdy receiving."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, MutableMapping
from contextlib import AbstractAsyncContextManager
from typing import Any

from azure.ai.voicelive.aio import ConnectionClosed, VoiceLiveConnection, connect
from azure.ai.voicelive.aio import ConnectionError as SdkConnectionError
from azure.ai.voicelive.models import ServerEvent
from azure.core.credentials import AzureKeyCredential
from azure.core.credentials_async import AsyncTokenCredential

from voicelive_desktop.engine.agent_mode import connect_arguments
from voicelive_desktop.engine.client_event_log import ClientEventLog
from voicelive_desktop.engine.errors import ConnectionLost, map_connect_error
from voicelive_desktop.engine.event_log import EventLog, tap_connection
from voicelive_desktop.engine.hostile_input import HostileInputStats
from voicelive_desktop.engine.session_settings import ConnectionSettings

log = logging.getLogger(__name__)

Credential = AzureKeyCredential | AsyncTokenCredential
Request = Callable[[VoiceLiveConnection], Coroutine[Any, Any, None]]

# Close codes a server uses for a planned end (session length limit, idle, going away).
_PLANNED_CLOSE_CODES = frozenset({1000, 1001})
# recv() failures in a row before a socket that only yields garbage counts as dead.
_MAX_CONSECUTIVE_BAD_FRAMES = 100


def _stamp_every_send(conn: VoiceLiveConnection, client_events: ClientEventLog) -> None:
    """Give every client event an `event_id` on its way out, whichever SDK method built it.

    Every SDK send method (`session.update`, `response.cancel`, ...) ends in the
    connection's one `send`, so wrapping that one covers them all, present and future.
    """
    sdk_send = conn.send

    async def send(event: Any) -> None:
        if isinstance(event, MutableMapping):
            client_events.stamp(event)
        await sdk_send(event)

    conn.send = send  # type: ignore[method-assign]


class LiveConnection:
    """Owns one websocket for its whole life; a new connection after a drop is a new object.

    `on_event` gets every parsed server event; `on_closed(planned)` is called once when the
    socket ends by itself (not after `close()`), `planned` meaning a polite 1000/1001 close.
    """

    def __init__(
        self,
        manager: AbstractAsyncContextManager[VoiceLiveConnection],
        conn: VoiceLiveConnection,
        stats: HostileInputStats,
        client_events: ClientEventLog | None = None,
    ) -> None:
        self._manager = manager
        self._conn = conn
        if client_events is not None:
            _stamp_every_send(conn, client_events)
        self._stats = stats
        self._lock = asyncio.Lock()
        self._receiver: asyncio.Task[None] | None = None
        self._ended = False  # the socket is gone, by close() or by itself
        self._released = False

    @classmethod
    async def open(
        cls,
        settings: ConnectionSettings,
        credential: Credential,
        stats: HostileInputStats,
        timeout_s: float,
        event_log: EventLog | None = None,
        client_events: ClientEventLog | None = None,
    ) -> LiveConnection:
        """Open the websocket; raises the specific VoiceLiveError for whatever went wrong.

        With `event_log`, every message in and out is recorded there (the event inspector).
        """
        endpoint = settings.endpoint.strip()
        manager = connect(credential=credential, endpoint=endpoint, **connect_arguments(settings))
        try:
            # The SDK sets no handshake timeout, so a silent host would hang for minutes. On
            # this timeout the SDK's half-made aiohttp session is left for the GC to collect
            # (a ResourceWarning), which beats a window stuck on "connecting".
            conn = await asyncio.wait_for(manager.__aenter__(), timeout_s)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            error = map_connect_error(exc, endpoint)
            # The exception text is not logged: token credentials may put details in it.
            log.warning("connect failed: %s (%s)", error.message, type(exc).__name__)
            raise error from None
        if event_log is not None:
            tap_connection(conn, event_log)
        return cls(manager, conn, stats, client_events)

    def start_receiving(
        self, on_event: Callable[[ServerEvent], None], on_closed: Callable[[bool], None]
    ) -> None:
        self._receiver = asyncio.create_task(
            self._receive(on_event, on_closed), name="voicelive-receive"
        )

    @property
    def alive(self) -> bool:
        return not self._ended and self._receiver is not None and not self._receiver.done()

    async def send(self, request: Request) -> None:
        """Send one client event, in order with all others; raises ConnectionLost if it fails."""
        async with self._lock:
            await self._send_locked(request)

    async def send_batch(self, take: Callable[[], bytes], make: Callable[[bytes], Request]) -> bool:
        """Take a batch under the send lock (so it keeps its place in line) and send it.

        Returns False when `take` had nothing.
        """
        async with self._lock:
            batch = take()
            if not batch:
                return False
            await self._send_locked(make(batch))
            return True

    async def _send_locked(self, request: Request) -> None:
        if self._ended:
            raise ConnectionLost("Not connected to Voice Live; wait until it is ready.")
        try:
            await request(self._conn)
        except SdkConnectionError:
            raise ConnectionLost(
                "The connection to Voice Live dropped while sending; try again when it is back."
            ) from None

    async def close(self) -> None:
        """Close the socket and its HTTP session; `on_closed` is not called for this."""
        self._ended = True
        if self._receiver is not None and self._receiver is not asyncio.current_task():
            self._receiver.cancel()
        if self._released:
            return
        self._released = True
        try:
            await self._manager.__aexit__(None, None, None)
        except Exception:
            log.warning("closing the websocket failed", exc_info=True)

    async def _receive(
        self, on_event: Callable[[ServerEvent], None], on_closed: Callable[[bool], None]
    ) -> None:
        """Read events until the socket ends; parse failures are counted, never fatal.

        `conn.recv()` rather than `async for`: the SDK's iterator swallows the close code.
        """
        bad_in_a_row = 0
        planned = False
        while bad_in_a_row < _MAX_CONSECUTIVE_BAD_FRAMES:
            try:
                event = await self._conn.recv()
            except ConnectionClosed as exc:
                # The SDK reports an empty text frame as a 1006 close; the socket is still open.
                if exc.reason == "Empty WebSocket frame":
                    self._stats.malformed += 1
                    bad_in_a_row += 1
                    continue
                # A close frame arrives with reason ""; a socket that just died is reported
                # by the SDK as code 1000 with reason "Connection closed", which is no plan.
                planned = exc.code in _PLANNED_CLOSE_CODES and exc.reason != "Connection closed"
                log.info("websocket closed (code %s)", exc.code)
                break
            except SdkConnectionError as exc:
                if isinstance(exc.__cause__, ValueError | TypeError):
                    self._stats.malformed += 1
                    bad_in_a_row += 1
                    log.warning("unparseable server message ignored")
                    continue
                log.warning("websocket failed: %s", type(exc).__name__)
                break
            except Exception:
                # JSON the SDK's deserializer chokes on (a bare list, null, ...).
                self._stats.malformed += 1
                bad_in_a_row += 1
                log.warning("malformed server message ignored")
                continue
            bad_in_a_row = 0
            on_event(event)
        if not self._ended:
            self._ended = True
            on_closed(planned)
