"""The compact card that shows one tool call in the transcript, expandable to its details."""

from __future__ import annotations

import json
import time
import unicodedata

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voicelive_desktop.engine.events import ToolCallStatus
from voicelive_desktop.ui.contrast import Tone, tone_colour, tone_style

_SUMMARY_CHARS = 90
_SPIN_INTERVAL_MS = 80
_DETAIL_MAX_LINES = 12
# Unicode categories that draw nothing or move other text: controls, format characters
# (bidi overrides, zero-width spaces), line and paragraph separators, unassigned code points.
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cn", "Co", "Cs"})

STATUS_LABELS = {
    ToolCallStatus.RUNNING: "Running…",
    ToolCallStatus.OK: "Done",
    ToolCallStatus.FAILED: "Failed",
    ToolCallStatus.DENIED: "Denied",
    ToolCallStatus.CANCELLED: "Cancelled",
}
AWAITING_CONSENT_LABEL = "Waiting for you"
STATUS_TONES = {
    ToolCallStatus.OK: Tone.SUCCESS,
    ToolCallStatus.FAILED: Tone.ERROR,
    ToolCallStatus.DENIED: Tone.WARNING,
    ToolCallStatus.CANCELLED: Tone.MUTED,
}
# Who runs a call that this app does not run itself (ToolCallStarted.source).
SOURCE_LABELS = {"mcp_remote": "remote MCP", "agent": "agent"}
_SOURCE_TIPS = {
    "mcp_remote": "The service calls this remote MCP server's tool; this app only shows it.",
    "agent": "The Foundry agent runs this call itself; this app only shows it.",
}
_STATUS_GLYPHS = {
    ToolCallStatus.OK: "✓",
    ToolCallStatus.FAILED: "✕",
    ToolCallStatus.DENIED: "⊘",
    ToolCallStatus.CANCELLED: "■",
}


def summarize_arguments(arguments: str, limit: int = _SUMMARY_CHARS) -> str:
    """One line for a call's JSON arguments: `key: value, …`, shortened to `limit` chars."""
    try:
        parsed = json.loads(arguments) if arguments.strip() else {}
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        if not parsed:
            return "no arguments"
        text = ", ".join(f"{key}: {_short_value(value)}" for key, value in parsed.items())
    else:
        text = " ".join(arguments.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _short_value(value: object) -> str:
    if isinstance(value, str):
        return reveal_hidden(" ".join(value.split()))
    return reveal_hidden(json.dumps(value, ensure_ascii=False))


def pretty_json(text: str) -> str:
    """`text` indented when it is JSON (what the model sent or got), else as it is.

    Invisible characters in the JSON's strings show as `\\uXXXX` escapes (the same JSON):
    a right-to-left override or a zero-width space must not make an argument read as
    something it is not, in a consent prompt least of all."""
    try:
        shown = json.dumps(json.loads(text), ensure_ascii=False, indent=2)
    except ValueError:
        return text
    return reveal_hidden(shown, keep="\n")


def reveal_hidden(text: str, keep: str = "") -> str:
    """`text` with each invisible character (but those in `keep`) as a JSON `\\uXXXX` escape."""
    return "".join(
        _escaped(ch) if ch not in keep and unicodedata.category(ch) in _HIDDEN else ch
        for ch in text
    )


def _escaped(ch: str) -> str:
    # Beyond the BMP, JSON spells a character as its UTF-16 surrogate pair.
    units = ch.encode("utf-16-be")
    return "".join(
        f"\\u{int.from_bytes(units[i : i + 2], 'big'):04x}" for i in range(0, len(units), 2)
    )


def format_duration(ms: float) -> str:
    if ms < 1000:
        return f"{ms:.0f} ms"
    if ms < 60_000:
        return f"{ms / 1000:.1f} s"
    minutes, seconds = divmod(round(ms / 1000), 60)
    return f"{minutes} min {seconds} s"


class ElidedLabel(QLabel):
    """A one-line label that gives up width first and ends in "…" when it must."""

    def minimumSizeHint(self) -> QSize:
        return QSize(
            self.fontMetrics().horizontalAdvance("…") * 3, super().minimumSizeHint().height()
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(self.rect(), int(self.alignment()), text)


class StatusMark(QWidget):
    """A spinner while the call runs, then a coloured glyph for how it ended."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(18, 18)
        self.status = ToolCallStatus.RUNNING
        self.angle = 0
        self._timer = QTimer(self)
        self._timer.setInterval(_SPIN_INTERVAL_MS)
        self._timer.timeout.connect(self._spin)
        self._timer.start()

    def set_status(self, status: ToolCallStatus) -> None:
        self.status = status
        if status is ToolCallStatus.RUNNING:
            self._timer.start()
        else:
            self._timer.stop()
        self.update()

    def spinning(self) -> bool:
        return self._timer.isActive()

    def _spin(self) -> None:
        self.angle = (self.angle + 30) % 360
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.status is ToolCallStatus.RUNNING:
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 2.2)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.drawArc(QRectF(3, 3, 12, 12), -self.angle * 16, 270 * 16)
            return
        painter.setPen(status_colour(self.status, self.palette()))
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _STATUS_GLYPHS[self.status])


def status_colour(status: ToolCallStatus, palette: QPalette) -> QColor:
    """The colour of a status on a card (drawn on the alternate base); running has none."""
    tone = STATUS_TONES.get(status)
    if tone is None:
        return palette.color(QPalette.ColorRole.Text)
    return tone_colour(tone, palette, QPalette.ColorRole.AlternateBase)


class ToolCallCard(QFrame):
    """One tool call: name, argument summary, state and duration; expanding shows the exact
    arguments and the result (or why it failed, was denied or cancelled)."""

    def __init__(
        self,
        call_id: str,
        name: str,
        arguments: str,
        source: str = "function",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._built = False  # palette changes recolour the labels once they exist
        self.call_id = call_id
        self.name = name
        self.arguments = arguments
        self.status = ToolCallStatus.RUNNING
        self.awaiting_consent = False
        self.duration_ms: float | None = None
        self.result = ""
        self.error = ""
        self._started = time.monotonic()
        self.setObjectName("toolCallCard")
        self.setStyleSheet(
            "#toolCallCard { background: palette(alternate-base); border: 1px solid palette(mid);"
            " border-radius: 6px; }"
        )
        self.setAccessibleName(f"Tool call {name}")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        self.mark = StatusMark()
        self.name_label = QLabel(name)
        self.name_label.setObjectName("toolCallName")
        bold = QFont(self.name_label.font())
        bold.setBold(True)
        bold.setFamily("monospace")
        bold.setStyleHint(QFont.StyleHint.Monospace)
        self.name_label.setFont(bold)
        self.summary_label = ElidedLabel(summarize_arguments(arguments))
        self.summary_label.setObjectName("toolCallSummary")
        self.summary_label.setToolTip(summarize_arguments(arguments, limit=400))
        self.summary_label.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        self.summary_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.state_label = QLabel()
        self.state_label.setObjectName("toolCallState")
        self.duration_label = QLabel()
        self.duration_label.setObjectName("toolCallDuration")
        self.expand_button = QToolButton()
        self.expand_button.setCheckable(True)
        self.expand_button.setAutoRaise(True)
        self.expand_button.setArrowType(Qt.ArrowType.RightArrow)
        self.expand_button.setAccessibleName(f"Show details of the {name} call")
        self.expand_button.setToolTip("Show the arguments and the result")
        self.expand_button.toggled.connect(self.set_expanded)

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(8)
        header.addWidget(self.mark)
        header.addWidget(self.name_label)
        self.source_label = QLabel(SOURCE_LABELS.get(source, ""))
        self.source_label.setObjectName("toolCallSource")
        self.source_label.setToolTip(_SOURCE_TIPS.get(source, ""))
        self.source_label.setStyleSheet(
            "#toolCallSource { border: 1px solid palette(mid); border-radius: 7px;"
            " padding: 0px 6px; font-size: 8pt; }"
        )
        self.source_label.setVisible(source in SOURCE_LABELS)
        header.addWidget(self.source_label)
        header.addWidget(self.summary_label, 1)
        header.addWidget(self.state_label)
        header.addWidget(self.duration_label)
        header.addWidget(self.expand_button)

        self.details = QPlainTextEdit()
        self.details.setObjectName("toolCallDetails")
        self.details.setReadOnly(True)
        self.details.setAccessibleName(f"Arguments and result of the {name} call")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.9))
        self.details.setFont(mono)
        self.details.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.details)

        self._clock = QTimer(self)
        self._clock.setInterval(200)
        self._clock.timeout.connect(self._show_elapsed)
        self._clock.start()
        self._show_state()
        self._fill_details()
        self._built = True

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if self._built and event.type() == QEvent.Type.PaletteChange:  # a theme change
            self._show_state()

    # ---- what happened --------------------------------------------------------------------

    def set_awaiting_consent(self, waiting: bool) -> None:
        self.awaiting_consent = waiting
        self._show_state()

    def finish(
        self,
        status: ToolCallStatus,
        duration_ms: float,
        result: str = "",
        error: str = "",
        preview: str = "",
    ) -> None:
        """Show how the call ended; the spinner and the running clock stop. The summary line
        gains what came back (`preview`) or why it did not run."""
        outcome = error if status is not ToolCallStatus.OK else preview
        if outcome:
            summary = f"{summarize_arguments(self.arguments)} → {' '.join(outcome.split())}"
            self.summary_label.setText(summary)
            self.summary_label.setToolTip(summary)
        self.status = status
        self.awaiting_consent = False
        self.duration_ms = duration_ms
        self.result = result
        self.error = error
        self._clock.stop()
        self.mark.set_status(status)
        self._show_state()
        self._fill_details()

    def plain_text(self) -> str:
        """How the card reads when the transcript is copied as text."""
        facts = [STATUS_LABELS[self.status]]
        if self.duration_ms is not None:
            facts.append(format_duration(self.duration_ms))
        line = f"[tool] {self.name}({summarize_arguments(self.arguments)}) — {', '.join(facts)}"
        return line + (f": {self.error}" if self.error else "")

    # ---- expanding ------------------------------------------------------------------------

    def set_expanded(self, expanded: bool) -> None:
        if self.expand_button.isChecked() != expanded:
            self.expand_button.setChecked(expanded)  # re-enters through `toggled`
            return
        self.expand_button.setArrowType(
            Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow
        )
        self.expand_button.setAccessibleName(
            f"{'Hide' if expanded else 'Show'} details of the {self.name} call"
        )
        self.details.setVisible(expanded)
        self.updateGeometry()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        # The whole header row toggles, as in a disclosure list; the details stay selectable.
        if event.button() == Qt.MouseButton.LeftButton and event.position().y() < 32:
            self.set_expanded(not self.expand_button.isChecked())
            event.accept()
            return
        super().mousePressEvent(event)

    # ---- rendering ------------------------------------------------------------------------

    def _show_state(self) -> None:
        text = AWAITING_CONSENT_LABEL if self.awaiting_consent else STATUS_LABELS[self.status]
        self.state_label.setText(text)
        colour = status_colour(self.status, self.palette())
        self.state_label.setStyleSheet(f"color: {colour.name()};")
        # Captions are muted, yet readable (a disabled label's grey is 1.9:1 on the card).
        caption = tone_style(self, Tone.MUTED, QPalette.ColorRole.AlternateBase)
        self.summary_label.setStyleSheet(caption)
        self.duration_label.setStyleSheet(caption)
        self.state_label.setToolTip(self.error)
        if self.duration_ms is not None:
            self.duration_label.setText(format_duration(self.duration_ms))
        self.setAccessibleDescription(self.plain_text())

    def _show_elapsed(self) -> None:
        self.duration_label.setText(format_duration((time.monotonic() - self._started) * 1000))

    def _fill_details(self) -> None:
        sections = ["Arguments", pretty_json(self.arguments) or "(none)"]
        if self.status is ToolCallStatus.RUNNING:
            sections += ["", "Result", "(running)"]
        else:
            if self.error:
                sections += ["", "Why", self.error]
            if self.result:
                heading = "Result" if self.status is ToolCallStatus.OK else "Sent to the model"
                sections += ["", heading, pretty_json(self.result)]
        self.details.setPlainText("\n".join(sections))
        lines = min(self.details.document().lineCount(), _DETAIL_MAX_LINES)
        line_px = self.details.fontMetrics().lineSpacing()
        chrome = 2 * (self.details.document().documentMargin() + self.details.frameWidth())
        self.details.setFixedHeight(int(lines * line_px + chrome) + 2)
        self.updateGeometry()
