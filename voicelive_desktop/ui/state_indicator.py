"""The coloured dot and words that say what the session is doing right now."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from voicelive_desktop.engine.events import SessionState

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
    """Shows the session state, a reconnect attempt, or an error, as a dot and a few words."""

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
        self.show_state(SessionState.DISCONNECTED)

    def show_state(self, state: SessionState) -> None:
        self.state = state
        self.error = False
        self._show(*_STATE_LOOK[state])

    def show_reconnecting(self, attempt: int) -> None:
        self.state = SessionState.RECONNECTING
        self._show(f"Reconnecting (attempt {attempt})…", _STATE_LOOK[SessionState.RECONNECTING][1])

    def show_error(self) -> None:
        self.error = True
        self._show(*_ERROR_LOOK)

    @property
    def text(self) -> str:
        return self.label.text()

    def _show(self, words: str, colour: str) -> None:
        self.label.setText(words)
        self.setAccessibleName(f"Session state: {words}")
        self._dot.colour = QColor(colour)
        self._dot.update()
