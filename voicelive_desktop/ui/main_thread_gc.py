"""Garbage collection on the GUI thread only, while other threads run Python code.

Python collects garbage in whichever thread happens to allocate. When that is a worker thread
(pynput's listener, a PortAudio callback) and the garbage holds a Qt object, Qt destroys it
off its thread and crashes ("Timers cannot be stopped from another thread", then a segfault).
So, while such a thread runs, automatic collection is off and a GUI-thread timer collects with
the same generation thresholds instead.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

_INTERVAL_MS = 500


class _Suspension:
    """Automatic collection is off while any collector is started (several may overlap)."""

    started = 0
    was_enabled = True

    @classmethod
    def begin(cls) -> None:
        if cls.started == 0:
            cls.was_enabled = gc.isenabled()
            gc.disable()
        cls.started += 1

    @classmethod
    def end(cls) -> None:
        cls.started -= 1
        if cls.started == 0 and cls.was_enabled:
            gc.enable()


class MainThreadGarbageCollector(QObject):
    """Owns collecting garbage on the GUI thread while started; restores automatic collection
    on stop, or when it is deleted with its parent without being stopped."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(_INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self._started = [False]  # shared with the destroyed handler, which outlives `self`
        started = self._started
        self.destroyed.connect(lambda: _end_if(started))

    @property
    def active(self) -> bool:
        return self._started[0]

    def start(self) -> None:
        if self._started[0]:
            return
        self._started[0] = True
        _Suspension.begin()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        _end_if(self._started)

    def collect_due(self) -> None:
        """Collect the generations whose allocation counts passed their thresholds."""
        counts = gc.get_count()
        generation = -1
        for level, (count, threshold) in enumerate(zip(counts, self._thresholds, strict=True)):
            if threshold and count > threshold:
                generation = level
            else:
                break
        if generation >= 0:
            gc.collect(generation)


def _end_if(started: list[bool]) -> None:
    if started[0]:
        started[0] = False
        _Suspension.end()
