"""A dismissible banner at the top of the window that shows one error sentence."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


class ErrorBanner(QFrame):
    """Shows the engine's specific message until the user closes it or a new one replaces it."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setStyleSheet(
            "#errorBanner { background: #fbe3e1; border: 1px solid #e6a19a; border-radius: 6px; }"
            "#errorBanner QLabel { color: #7a1d14; }"
            "#errorBanner QToolButton { color: #7a1d14; border: none; font-weight: bold; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAccessibleName("Dismiss error")
        self.close_button.clicked.connect(self.dismiss)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.topic: object = None
        self.hide()

    def show_message(self, message: str, topic: object = None) -> None:
        """Show `message`; `topic` names what it is about (e.g. ErrorKind.AUDIO_DEVICE)."""
        self.label.setText(message)
        self.topic = topic
        self.show()

    def clear(self, topic: object) -> None:
        """The trouble `topic` is over: hide the banner if its message is about that."""
        if topic is not None and self.topic == topic:
            self.hide()
            self.topic = None

    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()

    @property
    def message(self) -> str:
        return self.label.text()
