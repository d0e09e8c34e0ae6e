"""Getting a dropped conversation back: attempts spaced by the backoff, until one holds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from voicelive_desktop.background_tasks import BackgroundTasks
from voicelive_desktop.engine.backoff import ReconnectBackoff
from voicelive_desktop.engine.errors import (
    ConnectionLost,
    CredentialsRejected,
    ResourceNotFound,
    VoiceLiveError,
)
from voicelive_desktop.engine.events import EngineEvent, ReconnectScheduled, SessionErrorReported

log = logging.getLogger(__name__)


class ReconnectLoop:
    """Owns the reconnect task of one engine. Each attempt closes what is left, waits its
    backoff delay (announced as ReconnectScheduled), then `reopen`s the connection with the
    session config and the remembered context. An attempt that fails is retried; errors a
    retry cannot fix (rejected credentials, a missing resource) go to `give_up`; a
    connection that stayed up goes to `resumed`."""

    def __init__(
        self,
        background: BackgroundTasks,
        backoff: ReconnectBackoff,
        *,
        emit: Callable[[EngineEvent], None],
        reopen: Callable[[], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
        alive: Callable[[], bool],
        give_up: Callable[[VoiceLiveError], Awaitable[None]],
        resumed: Callable[[], object],
    ) -> None:
        self._background = background
        self._backoff = backoff
        self._emit = emit
        self._reopen = reopen
        self._close = close
        self._alive = alive
        self._give_up = give_up
        self._resumed = resumed
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """True while attempts go on."""
        return self._task is not None and not self._task.done()

    def start(self, *, planned: bool, announce: bool = False) -> None:
        """Begin reconnecting, the first attempt after its backoff delay; `announce` tells the
        user why (a `planned` close by the service, else a lost connection)."""
        if announce:
            # A polite close is the service ending the session (its length or idle limit).
            notice = ConnectionLost(
                "Voice Live ended the session; reconnecting with the conversation kept."
                if planned
                else "The connection to Voice Live was lost; reconnecting."
            )
            self._emit(SessionErrorReported(notice.kind, notice.message, False))
        log.info("reconnecting (%s)", "planned" if planned else "connection lost")
        self._task = self._background.spawn(self._attempts(), "reconnect")

    def restart_now(self) -> bool:
        """Start over at once when attempts run (whatever kept the service out of reach, such
        as a sleeping machine's network, may be gone now); False when none run."""
        if self._task is None or self._task.done():
            return False
        self._task.cancel()
        self._backoff.reset()
        log.info("reconnecting now instead of after the backoff delay")
        self._task = self._background.spawn(self._attempts(wait_first=False), "reconnect")
        return True

    def forget(self) -> None:
        """The engine stopped (its background tasks, this one included, are cancelled)."""
        self._task = None

    async def _attempts(self, *, wait_first: bool = True) -> None:
        await self._close()
        while True:
            delay = self._backoff.next_delay()  # counts the attempt in any case
            if not wait_first:
                delay, wait_first = 0.0, True
            self._emit(ReconnectScheduled(self._backoff.attempt, delay))
            await asyncio.sleep(delay)
            try:
                await self._reopen()
            except (CredentialsRejected, ResourceNotFound) as exc:
                # Retrying cannot fix these; the user must change something.
                await self._give_up(exc)
                return
            except VoiceLiveError as exc:
                log.info("reconnect attempt %d failed: %s", self._backoff.attempt, exc.message)
                await self._close()
                continue
            if not self._alive():
                continue  # it dropped again while the context was being restored
            self._backoff.reset()
            self._resumed()
            return
