"""The "something went wrong" banner shown when the crash capture catches an exception."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from voicelive_desktop.ui.support_actions import copy_diagnostics


class CrashBanner(QFrame):
    """Says an internal error happened (the session may go on), where it was written, and
    offers Help → Copy diagnostics as a button; repeats are counted, not stacked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashBanner")
        self.setStyleSheet(
            "#crashBanner { background: #fff4d6; border: 1px solid #e0b84f; border-radius: 6px; }"
            "#crashBanner QLabel { color: #4d3800; }"
            "#crashBanner QToolButton { color: #4d3800; border: none; font-weight: bold; }"
        )
        self.count = 0
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.copy_button = QPushButton("Copy diagnostics")
        self.copy_button.setToolTip("Put a report for a bug report on the clipboard (no secrets)")
        self.copy_button.clicked.connect(copy_diagnostics)
        layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.setAccessibleName("Dismiss internal error notice")
        close.clicked.connect(self.dismiss)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_crash(self, summary: str, crash_log: str) -> None:
        """Tell the user about one more internal error (`summary` is one line)."""
        self.count += 1
        times = "" if self.count == 1 else f" ({self.count} times)"
        self.label.setText(
            f"Something went wrong inside VoiceLive Desktop{times}: {summary}. "
            f"The details are in {crash_log}. Help → Copy diagnostics puts a report on the "
            "clipboard for a bug report."
        )
        self.show()

    def dismiss(self) -> None:
        self.count = 0
        self.hide()
