"""The `session.update` round trip: send the config, wait for the service to confirm it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from azure.ai.voicelive.models import RequestSession

from voicelive_desktop.engine.client_event_log import SentEvent, refused_settings_message
from voicelive_desktop.engine.connection import Request
from voicelive_desktop.engine.echo_mode import (
    DROPPED_REFERENCE,
    EchoReferenceRefused,
    holds_client_reference,
    is_echo_refusal,
)
from voicelive_desktop.engine.errors import ConnectionLost, SessionNotReady, endpoint_host


class SessionUpdates:
    """Owns the session config exchanges of one engine: one `session.update` at a time, each
    waiting for the service's `session.updated`. It fails with SessionNotReady when the
    service refuses the settings or does not answer in time (EchoReferenceRefused when what
    it refuses, or leaves out of its confirmation, is the client echo reference), and with
    ConnectionLost when the connection ends first; `on_confirmed` hears of each config the
    service took."""

    def __init__(
        self,
        *,
        send: Callable[[Request], Awaitable[None]],
        endpoint: str,
        ready_timeout_s: float,
        on_confirmed: Callable[[RequestSession], None],
    ) -> None:
        self._send = send
        self._endpoint = endpoint
        self._ready_timeout_s = ready_timeout_s
        self._on_confirmed = on_confirmed
        self._lock = asyncio.Lock()
        self._waiter: asyncio.Future[None] | None = None
        self._asks_reference = False  # the config awaiting its answer asks for it

    async def configure(self, config: RequestSession) -> None:
        """Send `config` and return once the service confirmed it."""
        async with self._lock:  # one session.update awaits its answer at a time
            await self._configure_now(config)

    async def _configure_now(self, config: RequestSession) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiter = waiter
        self._asks_reference = holds_client_reference(config)
        try:
            await self._send(lambda conn: conn.session.update(session=config))
            await asyncio.wait_for(asyncio.shield(waiter), self._ready_timeout_s)
        except asyncio.TimeoutError:  # not the builtin before Python 3.11
            raise SessionNotReady(
                f"The Voice Live service at {endpoint_host(self._endpoint)!r} did not "
                f"confirm the session settings within {self._ready_timeout_s:g} s."
            ) from None
        finally:
            if self._waiter is waiter:
                self._waiter = None
            if waiter.done() and not waiter.cancelled():
                waiter.exception()  # retrieved: nobody else awaits it
        self._on_confirmed(config)

    def _waiting(self) -> asyncio.Future[None] | None:
        waiter = self._waiter
        return waiter if waiter is not None and not waiter.done() else None

    def confirmed(self, session: Mapping[str, Any]) -> None:
        """The service sent `session.updated` with the `session` it now runs."""
        waiter = self._waiting()
        if waiter is None:
            return
        if self._asks_reference and not holds_client_reference(session):
            # Confirmed without it: the service would read stereo frames as mono.
            waiter.set_exception(EchoReferenceRefused(DROPPED_REFERENCE))
        else:
            waiter.set_result(None)

    def server_error(self, detail: str, param: str, cause: SentEvent | None) -> bool:
        """The service sent an `error`, caused by `cause` when known; True when it refused
        the client echo reference (the engine falls back and says so in its own words)."""
        # While a session.update awaits its answer, an error caused by it (or by no event we
        # know of) is the service refusing it; a late cancel's error is not.
        waiter = self._waiting()
        if waiter is None or (cause is not None and cause.kind != "session.update"):
            return False
        if self._asks_reference and is_echo_refusal(detail, param):
            waiter.set_exception(EchoReferenceRefused(detail))
            return True
        waiter.set_exception(SessionNotReady(refused_settings_message(detail, param, cause)))
        return False

    def connection_ended(self, message: str) -> None:
        """The connection closed: an update still waiting fails with `message`."""
        waiter = self._waiting()
        if waiter is not None:
            waiter.set_exception(ConnectionLost(message))
