"""Stops a minimised window from painting until it is restored."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


class MinimisedPaintPause(QObject):
    """Owns whether the window's updates are enabled: off from the moment it is minimised,
    back on (one full repaint) when it is restored.

    Minimising is itself a burst of updates: Qt hides the children spontaneously (a spin box
    calls update() in its hide handler), the status bar's size grip shows, the window loses
    focus. Until the platform reports the window unmapped those updates would still paint,
    and anything that changes while minimised (a status message, a value the service echoes
    back) would too. With updates disabled Qt drops all of them; the widgets keep their new
    values and the restored window paints them at once.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.WindowStateChange:
            self._window.setUpdatesEnabled(not self._window.isMinimized())
        return False
