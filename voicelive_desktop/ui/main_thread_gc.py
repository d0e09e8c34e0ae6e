"""Garbage collection on the GUI thread only, while other threads run Python code.

Python collects garbage in whichever thread happens to allocate. When that is a worker thread
(pynput's listener) and the garbage holds a Qt object, Qt destroys it off its thread and
crashes ("Timers cannot be stopped from another thread", then a segfault). So, while such a
thread runs, automatic collection is off and a GUI-thread timer collects with the same
generation thresholds instead.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

_INTERVAL_MS = 500


class MainThreadGarbageCollector(QObject):
    """Owns the process's automatic garbage collection while started; restores it on stop."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = False
        self._timer = QTimer(self)
        self._timer.setInterval(_INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        if self.active:
            return
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        if not self.active:
            return
        self._timer.stop()
        if self._was_enabled:
            gc.enable()

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
