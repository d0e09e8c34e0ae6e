"""A caption drawn in the muted tone: quieter than the text around it, yet readable (WCAG AA)."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from voicelive_desktop.ui.contrast import Tone, tone_colour


class MutedLabel(QLabel):
    """A label for captions and notes that stays enabled (a disabled label's grey is 1.7:1 on
    the light window, and screen readers call it unavailable) and takes the muted tone of the
    palette it is shown with, again after every theme switch."""

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        background: QPalette.ColorRole = QPalette.ColorRole.Window,
    ) -> None:
        super().__init__(text, parent)
        self._background = background
        self._recolour()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._recolour()

    def _recolour(self) -> None:
        # Only the text colour is set, so the background and everything else still follow the
        # window's palette (a style sheet colour would pin the whole palette to the old theme).
        colour = tone_colour(Tone.MUTED, self.palette(), self._background)
        if colour != self.palette().color(QPalette.ColorRole.WindowText):
            own = QPalette()
            own.setColor(QPalette.ColorRole.WindowText, colour)
            self.setPalette(own)
