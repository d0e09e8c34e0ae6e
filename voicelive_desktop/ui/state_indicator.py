"""The coloured dot and words that say what the session is doing right now."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from voicelive_desktop.engine.events import SessionState
from voicelive_desktop.ui.contrast import Tone, tone_colour

# (words, colour) per engine state; CLOSING reads as offline because it is about to be.
_STATE_LOOK: dict[SessionState, tuple[str, str]] = {
    SessionState.DISCONNECTED: ("Offline", "#8a8f98"),
    SessionState.CONNECTING: ("Connecting…", "#d69e2e"),
    SessionState.READY: ("Listening", "#2f9e5b"),
    SessionState.USER_SPEAKING: ("You are speaking", "#2b7de9"),
    SessionState.THINKING: ("Thinking…", "#8e5bd6"),
    SessionState.ASSISTANT_SPEAKING: ("Assistant speaking", "#0f9fb5"),
    SessionState.RECONNECTING: ("Reconnecting…", "#d69e2e"),
    SessionState.CLOSING: ("Disconnecting…", "#8a8f98"),
}
_ERROR_LOOK = ("Error", "#d64541")
AWAITING_APPROVAL_WORDS = "Waiting for your approval"
# While a consent prompt waits, the session itself only idles or waits for the tool's output:
# the prompt is the news. Speech (either side) and connection changes still show as they are.
_QUIET_STATES = frozenset({SessionState.READY, SessionState.THINKING})


class _Dot(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colour = QColor(_STATE_LOOK[SessionState.DISCONNECTED][1])
        self.setFixedSize(QSize(12, 12))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.colour)
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()


class StateIndicator(QWidget):
    """Shows the session state, a reconnect attempt, an error, or that a consent prompt waits
    for the user, as a dot and a few words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self._dot = _Dot()
        self.label = QLabel()
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        layout.addWidget(self._dot)
        layout.addWidget(self.label)
        self.state = SessionState.DISCONNECTED
        self.error = False
        self.awaiting_approval = False
        self._attempt: int | None = None
        self._refresh()

    def show_state(self, state: SessionState) -> None:
        self.state = state
        self.error = False
        self._attempt = None
        self._refresh()

    def show_reconnecting(self, attempt: int) -> None:
        self.state = SessionState.RECONNECTING
        self.error = False  # the attempt is the newer news
        self._attempt = attempt
        self._refresh()

    def show_error(self) -> None:
        self.error = True
        self._refresh()

    def show_awaiting_approval(self, waiting: bool) -> None:
        """A consent prompt waits for the user (True) or none does any more (False): the
        words go back to the session's own state."""
        self.awaiting_approval = waiting
        self._refresh()

    @property
    def text(self) -> str:
        return self.label.text()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.awaiting_approval:
            self._refresh()  # the attention colour has a light and a dark variant

    def _refresh(self) -> None:
        if self.error:
            self._show(*_ERROR_LOOK)
        elif self.awaiting_approval and self.state in _QUIET_STATES:
            # Words the user must act on are coloured too, readable on the window.
            colour = tone_colour(Tone.ATTENTION, self.palette()).name()
            self._show(AWAITING_APPROVAL_WORDS, colour, text_colour=colour)
        elif self._attempt is not None:
            colour = _STATE_LOOK[SessionState.RECONNECTING][1]
            self._show(f"Reconnecting (attempt {self._attempt})…", colour)
        else:
            self._show(*_STATE_LOOK[self.state])

    def _show(self, words: str, colour: str, text_colour: str | None = None) -> None:
        self.label.setText(words)
        self.label.setStyleSheet(f"color: {text_colour};" if text_colour else "")
        self.setAccessibleName(f"Session state: {words}")
        self._dot.colour = QColor(colour)
        self._dot.update()
