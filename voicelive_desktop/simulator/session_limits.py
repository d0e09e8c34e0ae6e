"""When a simulated session ends on its own: its length limit, idle timeout or expiry."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from voicelive_desktop.background_tasks import BackgroundTasks
from voicelive_desktop.simulator import wire
from voicelive_desktop.simulator.faults import SimulatorFaults
from voicelive_desktop.simulator.service_modes import SESSION_EXPIRED_MESSAGE, Send

_WATCHDOG_INTERVAL_S = 0.1


class SessionLimits:
    """Owns the watchdog of one session: it closes the socket politely once the session
    length, the idle time since the last client event, or the service's expiry (each set on
    the faults, read when checked) is reached."""

    def __init__(
        self,
        faults: SimulatorFaults,
        tasks: BackgroundTasks,
        *,
        send: Send,
        close: Callable[[int, str], Awaitable[None]],
        closed: Callable[[], bool],
    ) -> None:
        self._faults = faults
        self._tasks = tasks
        self._send = send
        self._close = close
        self._closed = closed
        self._opened = time.monotonic()
        self._last_client_event = self._opened
        self._watchdog: asyncio.TimerHandle | None = None

    def start(self) -> None:
        """Start watching; call on the loop that serves the session."""
        self._loop = asyncio.get_running_loop()
        self._watchdog = self._loop.call_later(_WATCHDOG_INTERVAL_S, self._watch)

    def stop(self) -> None:
        """Stop watching (the session is over)."""
        if self._watchdog is not None:
            self._watchdog.cancel()

    def client_event_arrived(self) -> None:
        """The client sent something: the idle time starts again."""
        self._last_client_event = time.monotonic()

    def _watch(self) -> None:
        """A timer callback rather than a sleeping task: Qt can run a due timer while the
        asyncio loop is not running (an event loop spun outside it), where a task's sleep
        would fail, but a callback does not care.
        """
        if self._closed():
            return
        now = time.monotonic()
        limit, idle = self._faults.max_session_s, self._faults.idle_timeout_s
        expiry = self._faults.modes.expire_session_after_s
        if expiry is not None and now - self._opened >= expiry:
            self._tasks.spawn(self._end(1000, "session expired", expired=True), "expiry")
        elif limit is not None and now - self._opened >= limit:
            self._tasks.spawn(self._end(1000, "session length limit reached"), "length limit")
        elif idle is not None and now - self._last_client_event >= idle:
            self._tasks.spawn(self._end(1000, "idle timeout"), "idle timeout")
        else:
            self._watchdog = self._loop.call_later(_WATCHDOG_INTERVAL_S, self._watch)

    async def _end(self, code: int, reason: str, *, expired: bool = False) -> None:
        if expired:
            await self._send(wire.error_event(SESSION_EXPIRED_MESSAGE, code="session_expired"))
        await self._close(code, reason)
