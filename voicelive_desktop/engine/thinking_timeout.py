"""The wait for an answer after a turn ended, and when to stop waiting."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from voicelive_desktop.engine.events import SessionState

log = logging.getLogger(__name__)

# A turn ended but no response began in this long: the service dropped it; listen again.
DEFAULT_THINKING_TIMEOUT_S = 20.0


class ThinkingTimeout:
    """Owns the timer of the THINKING state: when no response began within `timeout_s` of
    the turn's end, the service dropped the turn and `listen_again` runs. While tools still
    run or wait for consent the wait starts over, since their answer comes afterwards."""

    def __init__(
        self,
        timeout_s: float,
        *,
        tools_busy: Callable[[], bool],
        responding: Callable[[], bool],
        listen_again: Callable[[], object],
    ) -> None:
        self._timeout_s = timeout_s
        self._tools_busy = tools_busy
        self._responding = responding
        self._listen_again = listen_again
        self._timer: asyncio.TimerHandle | None = None

    def state_changed(self, state: SessionState) -> None:
        """Start the wait on entering THINKING; any other move ends it."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if state is SessionState.THINKING:
            self._start()

    def _start(self) -> None:
        self._timer = asyncio.get_running_loop().call_later(self._timeout_s, self._expired)

    def _expired(self) -> None:
        # Runs only in THINKING: every state change cancels the timer.
        self._timer = None
        if self._tools_busy():
            self._start()
        elif not self._responding():
            log.warning("no response %g s after the turn ended; listening again", self._timeout_s)
            self._listen_again()
