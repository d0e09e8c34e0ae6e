"""The record toggle and the recording indicator in the window's header, with their actions."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from voicelive_desktop.ui.contrast import Tone, tone_colour


class RecordingIndicator(QWidget):
    """A checkable Record button (also Session → Record conversation audio, Ctrl+Shift+R) and,
    while a file is being written, a red "● REC 1:23" that screen readers announce.

    It only shows state; `toggled` asks the app to start or stop recording.
    """

    toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.rec_label = QLabel("")
        self.rec_label.setObjectName("recordingLabel")
        red = tone_colour(Tone.ERROR, self.palette()).name()
        self.rec_label.setStyleSheet(f"#recordingLabel {{ color: {red}; font-weight: bold; }}")
        self.rec_label.setAccessibleName("Recording conversation audio")
        self.rec_label.hide()
        layout.addWidget(self.rec_label)
        self.button = QPushButton("Record")
        self.button.setCheckable(True)
        self.button.setAccessibleName("Record conversation audio")
        self.button.setToolTip(
            "Record your microphone (left) and the assistant (right) to a WAV file kept with "
            "this conversation in the history. Off until you turn it on."
        )
        self.button.setAccessibleDescription(self.button.toolTip())
        layout.addWidget(self.button)
        self.record_action = QAction("&Record conversation audio", self)
        self.record_action.setCheckable(True)
        self.record_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.save_action = QAction("Save conversation &audio…", self)
        self.save_action.setEnabled(False)
        self.button.toggled.connect(self.record_action.setChecked)
        self.record_action.toggled.connect(self.button.setChecked)
        self.record_action.toggled.connect(self.toggled)
        self._started = 0.0
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._show_elapsed)

    @property
    def armed(self) -> bool:
        return self.record_action.isChecked()

    def set_armed(self, armed: bool) -> None:
        """Set the toggle without asking again (e.g. recording stopped after a disk error)."""
        self.record_action.blockSignals(True)
        self.button.blockSignals(True)
        self.record_action.setChecked(armed)
        self.button.setChecked(armed)
        self.record_action.blockSignals(False)
        self.button.blockSignals(False)

    def show_recording(self, recording: bool) -> None:
        """A file is being written (True) or not; the elapsed time counts while it is."""
        self.rec_label.setVisible(recording)
        if recording:
            self._started = time.monotonic()
            self._show_elapsed()
            self._clock.start()
        else:
            self._clock.stop()
        self.button.setText("Stop recording" if self.armed else "Record")

    def _show_elapsed(self) -> None:
        seconds = int(time.monotonic() - self._started)
        self.rec_label.setText(f"● REC {seconds // 60}:{seconds % 60:02d}")
        self.rec_label.setAccessibleDescription(
            f"Recording for {seconds // 60} minutes {seconds % 60} seconds"
        )
        self.rec_label.setAlignment(Qt.AlignmentFlag.AlignVCenter)
