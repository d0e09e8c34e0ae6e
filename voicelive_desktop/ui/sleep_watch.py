"""Notices the machine waking from sleep: logind's PrepareForSleep signal, or a clock jump."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import SLOT, QObject, QTimer, Signal, Slot
from PySide6.QtDBus import QDBusConnection

log = logging.getLogger(__name__)

CHECK_INTERVAL_S = 5.0
# A gap this much longer than expected is sleep, not a busy loop or a timer firing late.
JUMP_THRESHOLD_S = 30.0
# logind and the clock check usually both notice one wake-up: announce it once.
_SAME_WAKE_S = 10.0

_LOGIND = ("org.freedesktop.login1", "/org/freedesktop/login1", "org.freedesktop.login1.Manager")

Clock = Callable[[], float]


class ClockJumpDetector:
    """Decides, from two clocks read at each check, whether the machine slept in between.

    Linux's monotonic clock stops while suspended and the wall clock does not, so the wall clock
    gains on it. Windows and macOS count the sleep in their monotonic clock, so there the check
    arrives far later than its interval instead. A wall clock set forward by more than the
    threshold also counts: the reconnect it causes is harmless.
    """

    def __init__(
        self,
        interval_s: float = CHECK_INTERVAL_S,
        threshold_s: float = JUMP_THRESHOLD_S,
        *,
        monotonic: Clock = time.monotonic,
        wall: Clock = time.time,
    ) -> None:
        self.interval_s = interval_s
        self.threshold_s = threshold_s
        self._monotonic = monotonic
        self._wall = wall
        self._last_monotonic = 0.0
        self._last_wall = 0.0
        self.reset()

    def reset(self) -> None:
        """Measure the next gap from now (after a wake-up noticed some other way)."""
        self._last_monotonic = self._monotonic()
        self._last_wall = self._wall()

    def slept(self) -> bool:
        """True when the time since the previous check (or reset) contains a sleep."""
        monotonic, wall = self._monotonic(), self._wall()
        monotonic_gap = monotonic - self._last_monotonic
        wall_gap = wall - self._last_wall
        self._last_monotonic, self._last_wall = monotonic, wall
        return (
            wall_gap - monotonic_gap > self.threshold_s
            or monotonic_gap > self.interval_s + self.threshold_s
        )


class SleepWatch(QObject):
    """Owns the ways the app learns that the machine woke up, and says so once per wake-up.

    On Linux, logind's `PrepareForSleep(false)` on the system bus tells at once; a coarse timer
    comparing clocks (`ClockJumpDetector`) works everywhere, a few seconds late.
    """

    resumed = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        detector: ClockJumpDetector | None = None,
        # The system bus unless given (tests pass a private bus).
        bus: QDBusConnection | None = None,
    ) -> None:
        super().__init__(parent)
        self.detector = detector or ClockJumpDetector()
        self._last_wake: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(round(self.detector.interval_s * 1000))
        self._timer.timeout.connect(self.check_clocks)
        self._timer.start()
        self.listening_to_logind = self._listen_to_logind(bus)

    def check_clocks(self) -> None:
        """One clock comparison (the timer's tick)."""
        if self.detector.slept():
            self._woke("the clocks jumped")

    def stop(self) -> None:
        self._timer.stop()

    @Slot(bool)
    def prepare_for_sleep(self, going_to_sleep: bool) -> None:
        """logind's signal: True just before suspending, False after waking."""
        if going_to_sleep:
            log.info("the machine is going to sleep")
        else:
            self._woke("logind")

    def _woke(self, how: str) -> None:
        self.detector.reset()
        now = time.monotonic()
        if self._last_wake is not None and now - self._last_wake < _SAME_WAKE_S:
            return
        self._last_wake = now
        log.info("the machine woke from sleep (%s)", how)
        self.resumed.emit()

    def _listen_to_logind(self, bus: QDBusConnection | None) -> bool:
        connection = bus if bus is not None else QDBusConnection.systemBus()
        if not connection.isConnected():
            log.info("no D-Bus system bus: sleep is noticed from the clocks only")
            return False
        service, path, interface = _LOGIND
        # The stubs say bytes; PySide6 takes only the str that SLOT() returns.
        connected: bool = connection.connect(  # type: ignore[call-overload]
            service, path, interface, "PrepareForSleep", self, SLOT("prepare_for_sleep(bool)")
        )
        return connected
