"""The app's asyncio loop inside Qt: qasync's, with timers that never go off early."""

from __future__ import annotations

import math
from typing import Any

import qasync
from PySide6.QtCore import QObject, Qt


class _PreciseTimers(qasync._SimpleTimer):  # type: ignore[misc]  # qasync's call_later timers
    """qasync's timer object with Qt's precise timers: the default coarse ones may fire up to
    5 % early (half a second of a 10 s timer), and a delay is rounded up to whole ms, not
    down."""

    def add_callback(self, handle: Any, delay: float = 0) -> Any:
        # qasync truncates the delay to whole milliseconds; half a ms more makes that the
        # next one up, as asyncio promises ("not before").
        ms = math.ceil(max(0.0, delay) * 1000)
        return super().add_callback(handle, (ms + 0.5) / 1000 if ms else 0)

    def startTimer(self, interval: int, timerType: Qt.TimerType = Qt.TimerType.CoarseTimer) -> int:
        return QObject.startTimer(self, interval, Qt.TimerType.PreciseTimer)


class PreciseEventLoop(qasync.QEventLoop):  # type: ignore[misc]
    """qasync's event loop (asyncio run by Qt's), whose call_later and call_at never run a
    callback before its time: asyncio.sleep, wait_for and the engine's deadlines hold."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._timer = _PreciseTimers()
