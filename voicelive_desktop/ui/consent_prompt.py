"""The inline consent prompt: may the assistant run this tool with these exact arguments?"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from voicelive_desktop.engine.events import ToolApprovalDecision
from voicelive_desktop.ui.contrast import Tone, tone_style
from voicelive_desktop.ui.tool_card import pretty_json
from voicelive_desktop.ui.tool_labels import risk_explanation, risk_label

_ARGUMENT_MAX_LINES = 10
# A prompt that appears while the user is typing must not be answered by the Enter meant for
# the message box: Enter only allows once the prompt has been on screen this long (browsers
# delay their permission buttons for the same reason).
ARMING_DELAY_MS = 600


class ConsentPrompt(QFrame):
    """Asks once for one call; `answered` carries the decision (at most once).

    Enter allows once, Esc denies (Enter on a focused button presses that button). The
    countdown is shown only: the engine enforces the timeout and then reports the call as
    denied, which removes the prompt.
    """

    answered = Signal(str, object)  # call_id, ToolApprovalDecision

    def __init__(
        self,
        call_id: str,
        name: str,
        arguments: str,
        risk: str,
        timeout_s: float,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._built = False  # palette changes recolour the risk line once it exists
        self.call_id = call_id
        self.name = name
        self.decision: ToolApprovalDecision | None = None
        self._deadline = time.monotonic() + timeout_s
        self._shown_at: float | None = None
        self.setObjectName("consentPrompt")
        self.setStyleSheet(
            "#consentPrompt { background: palette(base); border: 2px solid #e0a030;"
            " border-radius: 8px; }"
            "#consentPrompt QPushButton { padding: 4px 10px; }"
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(f"Allow the assistant to use {name}?")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        self.title = QLabel(f"The assistant wants to use <b>{_html(name)}</b>")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        explanation = risk_explanation(risk)
        self.risk_label = QLabel(
            f"Risk: {risk_label(risk)}" + (f" — {explanation}" if explanation else "")
        )
        self.risk_label.setWordWrap(True)

        self.arguments = QPlainTextEdit(pretty_json(arguments) if arguments.strip() else "{}")
        self.arguments.setReadOnly(True)
        self.arguments.setAccessibleName(f"Arguments the {name} call would run with")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.arguments.setFont(mono)
        lines = min(self.arguments.document().lineCount(), _ARGUMENT_MAX_LINES)
        self.arguments.setFixedHeight(lines * self.arguments.fontMetrics().lineSpacing() + 14)
        self.arguments.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

        self.countdown = QLabel()
        self.countdown.setAccessibleName("Time left to answer")
        self.allow_once_button = QPushButton("Allow once")
        self.allow_once_button.setObjectName("primaryButton")
        self.allow_once_button.setAccessibleName(f"Allow {name} once")
        self.always_allow_button = QPushButton("Always allow")
        self.always_allow_button.setAccessibleName(f"Always allow {name}")
        self.always_allow_button.setToolTip(
            "Run this tool without asking from now on (change it in Preferences → Tools)"
        )
        self.deny_button = QPushButton("Deny")
        self.deny_button.setAccessibleName(f"Deny {name}")
        for button, decision in (
            (self.allow_once_button, ToolApprovalDecision.ALLOW_ONCE),
            (self.always_allow_button, ToolApprovalDecision.ALWAYS_ALLOW),
            (self.deny_button, ToolApprovalDecision.DENY),
        ):
            button.setAutoDefault(True)  # Enter presses the focused button
            button.clicked.connect(lambda _=False, d=decision: self.answer(d))
        self._update_armed()

        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addStretch(1)
        buttons.addWidget(self.allow_once_button)
        buttons.addWidget(self.always_allow_button)
        buttons.addWidget(self.deny_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.risk_label)
        layout.addWidget(self.arguments)
        layout.addWidget(self.countdown)
        layout.addLayout(buttons)

        self._ticker = QTimer(self)
        self._ticker.setInterval(250)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()
        self._tick()
        self._colour_risk()
        self._built = True

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if self._built and event.type() == QEvent.Type.PaletteChange:
            self._colour_risk()

    def _colour_risk(self) -> None:
        # What the call can touch is part of the decision: muted, but readable on the prompt.
        self.risk_label.setStyleSheet(tone_style(self, Tone.MUTED, QPalette.ColorRole.Base))

    # ---- answering ------------------------------------------------------------------------

    def answer(self, decision: ToolApprovalDecision) -> None:
        """Record the user's answer once; the prompt stays (disabled) until the call ends."""
        if self.decision is not None:
            return
        if decision is not ToolApprovalDecision.DENY and not self.armed():
            return
        self.decision = decision
        self._ticker.stop()
        for button in (self.allow_once_button, self.always_allow_button, self.deny_button):
            button.setEnabled(False)
        self.countdown.setText(
            "Denied." if decision is ToolApprovalDecision.DENY else "Allowed — running…"
        )
        self.answered.emit(self.call_id, decision)

    def armed(self) -> bool:
        """True once the prompt has been visible long enough for Enter and Allow to count."""
        if self._shown_at is None:
            return False
        return (time.monotonic() - self._shown_at) * 1000 >= ARMING_DELAY_MS

    def seconds_left(self) -> int:
        return max(0, math.ceil(self._deadline - time.monotonic()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.answer(ToolApprovalDecision.ALLOW_ONCE)
            event.accept()
        elif event.key() == Qt.Key.Key_Escape:
            self.answer(ToolApprovalDecision.DENY)
            event.accept()
        else:
            super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._shown_at is None:
            self._shown_at = time.monotonic()
            self._update_armed()

    # ---- countdown ------------------------------------------------------------------------

    def _update_armed(self) -> None:
        if self.decision is not None:
            return
        armed = self.armed()
        self.allow_once_button.setEnabled(armed)
        self.always_allow_button.setEnabled(armed)
        if not armed and self._shown_at is not None:
            # Qt's timers may fire a little early: look again until the delay has passed.
            left_ms = ARMING_DELAY_MS - (time.monotonic() - self._shown_at) * 1000
            QTimer.singleShot(max(10, math.ceil(left_ms)), self._update_armed)

    def _tick(self) -> None:
        left = self.seconds_left()
        if left > 0:
            self.countdown.setText(f"Denied in {left} s")
            self.countdown.setToolTip("With no answer, the call is denied and the assistant told")
        else:
            self._ticker.stop()
            self.countdown.setText("No answer: denied")
            for button in (self.allow_once_button, self.always_allow_button, self.deny_button):
                button.setEnabled(False)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
