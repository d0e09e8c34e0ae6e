"""Asking the service for a response, once it has none running."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from azure.ai.voicelive.models import ResponseCreateParams

from voicelive_desktop.engine.connection import Request

log = logging.getLogger(__name__)

# How long a new request waits for a cancelled response's response.done.
RESPONSE_SETTLE_TIMEOUT_S = 2.0


class ResponseRequests:
    """Owns `response.create`: the service refuses a second response while one runs
    ("conversation_already_has_active_response"), and the cancel of an interrupted response
    takes a round trip before its `response.done` arrives, so a request waits for that first
    (at most RESPONSE_SETTLE_TIMEOUT_S)."""

    def __init__(
        self, send: Callable[[Request], Awaitable[None]], responding: Callable[[], bool]
    ) -> None:
        self._send = send
        self._responding = responding
        self._none_running = asyncio.Event()
        self._none_running.set()

    def server_event_handled(self) -> None:
        """Follow whether a response runs, after each server event."""
        if self._responding():
            self._none_running.clear()
        else:
            self._none_running.set()

    def connection_ended(self) -> None:
        """The connection is gone, and with it any response it ran."""
        self._none_running.set()

    async def request(self, options: ResponseCreateParams | None = None) -> None:
        """Send `response.create` (with `options`), once no response runs."""
        if self._responding():
            self._none_running.clear()
            try:
                await asyncio.wait_for(self._none_running.wait(), RESPONSE_SETTLE_TIMEOUT_S)
            except asyncio.TimeoutError:
                log.warning("the interrupted response did not end; asking for a new one anyway")
        if options is None:
            await self._send(lambda conn: conn.response.create())
        else:
            await self._send(lambda conn: conn.response.create(response=options))
