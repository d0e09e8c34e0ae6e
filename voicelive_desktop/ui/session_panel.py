"""The session panel beside the conversation: voice, temperature, turn-taking and the rest."""

from __future__ import annotations

import enum

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from voicelive_desktop.settings import AppSettings
from voicelive_desktop.ui.agent_profile import agent_note_label, show_agent_control
from voicelive_desktop.ui.setting_fields import PANEL_SECTIONS
from voicelive_desktop.ui.setting_form import SettingForm

# Edits this close together become one session.update (a slider dragged, a spin box held).
EDIT_SETTLE_MS = 350


class ApplyStatus(enum.Enum):
    """What the panel says about the last change."""

    IDLE = ""
    APPLYING = "Applying"
    APPLIED = "Applied"
    SAVED = "Saved; used when you connect"
    ON_RECONNECT = "Takes effect on reconnect"
    REFUSED = "refused"  # the text is the service's error


class SessionPanel(QWidget):
    """Edits the session settings while the conversation runs, and says what became of each
    change; it only emits intents (`settings_edited`, `reconnect_requested`,
    `preview_requested`) and the controller decides what to send."""

    settings_edited = Signal(object, object)  # AppSettings, frozenset of changed field keys
    reconnect_requested = Signal()
    preview_requested = Signal()

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionPanel")
        self.setAccessibleName("Session settings")
        self.setMinimumWidth(220)
        self.form = SettingForm(settings, self)
        self.editors = self.form.editors
        self._pending: set[str] = set()
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(EDIT_SETTLE_MS)
        self._settle.timeout.connect(self._emit_edit)
        self.form.edited.connect(self._on_edit)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self._build_status())
        self.agent_note = agent_note_label()
        outer.addWidget(self.agent_note)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Tab goes straight to the controls; the area scrolls to whichever has focus.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 6, 0)
        self.sections: dict[str, QGroupBox] = {}
        for title, keys in PANEL_SECTIONS.items():
            box = QGroupBox(title)
            box.setAccessibleName(title)
            form = QFormLayout(box)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            self.form.add_rows(form, keys)
            if title == "Voice":
                form.addRow(self._build_preview())
            self.sections[title] = box
            column.addWidget(box)
        column.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        show_agent_control(self.editors, settings.connection, [self.agent_note])

    def _build_status(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.status_label = QLabel("")
        self.status_label.setObjectName("panelStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Settings status")
        self.reconnect_button = QPushButton("Reconnect now")
        self.reconnect_button.setAccessibleDescription(
            "Open a new session so every setting takes effect"
        )
        self.reconnect_button.setToolTip("Open a new session so every setting takes effect")
        self.reconnect_button.clicked.connect(self.reconnect_requested)
        self.reconnect_button.hide()
        row.addWidget(self.status_label, 1)
        row.addWidget(self.reconnect_button)
        self.status = ApplyStatus.IDLE
        return row

    def _build_preview(self) -> QWidget:
        self.preview_button = QPushButton("Preview voice")
        self.preview_button.setAccessibleDescription(
            "Speak a sample sentence in this voice, in a short separate session"
        )
        self.preview_button.setToolTip(self.preview_button.accessibleDescription())
        self.preview_button.clicked.connect(self.preview_requested)
        return self.preview_button

    # ---- what the controller calls ------------------------------------------------------

    def current_settings(self) -> AppSettings:
        return self.form.current()

    def show_settings(self, settings: AppSettings) -> None:
        """Show settings changed elsewhere (Preferences); pending edits are dropped."""
        self._settle.stop()
        self._pending.clear()
        self.form.show_settings(settings)
        show_agent_control(self.editors, settings.connection, [self.agent_note])

    def show_status(self, status: ApplyStatus, error: str = "") -> None:
        """Say what became of the last change: applied, waiting, or the service's error."""
        self.status = status
        text = error if status is ApplyStatus.REFUSED else status.value
        # A symbol as well as a colour, so the status reads in high contrast and greyscale.
        self.status_label.setText(f"{_SYMBOLS[status]} {text}".strip())
        self.status_label.setProperty("tone", _TONES[status])
        self.status_label.style().polish(self.status_label)
        self.reconnect_button.setVisible(status is ApplyStatus.ON_RECONNECT)

    def set_preview_busy(self, busy: bool) -> None:
        self.preview_button.setEnabled(not busy)
        self.preview_button.setText("Previewing…" if busy else "Preview voice")

    # ---- edits -----------------------------------------------------------------------

    def _on_edit(self, key: str) -> None:
        self._pending.add(key)
        self._settle.start()

    def _emit_edit(self) -> None:
        keys = frozenset(self._pending)
        self._pending.clear()
        if keys:
            self.settings_edited.emit(self.form.current(), keys)

    def flush_edits(self) -> None:
        """Emit waiting edits now (tests; closing the window)."""
        if self._settle.isActive():
            self._settle.stop()
            self._emit_edit()


_TONES = {
    ApplyStatus.IDLE: "",
    ApplyStatus.APPLYING: "busy",
    ApplyStatus.APPLIED: "good",
    ApplyStatus.SAVED: "",
    ApplyStatus.ON_RECONNECT: "warn",
    ApplyStatus.REFUSED: "bad",
}
_SYMBOLS = {
    ApplyStatus.IDLE: "",
    ApplyStatus.APPLYING: "…",
    ApplyStatus.APPLIED: "✓",
    ApplyStatus.SAVED: "✓",
    ApplyStatus.ON_RECONNECT: "⟳",
    ApplyStatus.REFUSED: "⚠",
}
