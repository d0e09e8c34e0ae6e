"""The strip of running timers under the transcript: what is left of each, and a cancel."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

STOPWATCH = "⏱"
CLOCK_FACE = "◷"


class RunningTimer(Protocol):
    """One timer as the strip shows it."""

    @property
    def timer_id(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def seconds(self) -> int: ...  # how long it was set for

    @property
    def fires_at(self) -> datetime: ...  # timezone-aware


class TimerBoard(Protocol):
    """The timers the built-in tools set: listed, cancelled, and watched for changes."""

    def timers(self) -> Sequence[RunningTimer]: ...

    def cancel(self, timer_id: str) -> object: ...

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]: ...


def format_left(seconds: float) -> str:
    """Time left as a kitchen timer shows it: 0:09, 4:32, 1:02:03."""
    total = max(0, math.ceil(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def timer_glyph(font: QFont) -> str:
    """A stopwatch where the font has one; else a clock face most fonts have (DejaVu, the
    usual Linux font, has no U+23F1 and would draw an empty box)."""
    return STOPWATCH if QFontMetrics(font).inFontUcs4(ord(STOPWATCH)) else CLOCK_FACE


def short_duration(seconds: int) -> str:
    """How long a timer was set for, briefly: 45 s, 10 min, 1 h 30 min."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    parts.append(f"{secs} s" if secs or not (hours or minutes) else "")
    return " ".join(part for part in parts if part)


class TimerChip(QFrame):
    """One running timer: its label, the time left, and a button that cancels it."""

    def __init__(self, timer: RunningTimer, cancel: Callable[[str], None]) -> None:
        super().__init__()
        self.timer_id = timer.timer_id
        self.title = timer.label or f"{short_duration(timer.seconds)} timer"
        self.fires_at = timer.fires_at
        self.setObjectName("timerChip")
        self.setStyleSheet(
            "#timerChip { background: palette(alternate-base); border: 1px solid palette(mid);"
            " border-radius: 11px; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 1, 2, 1)
        layout.setSpacing(4)
        self.text = QLabel()
        self.text.setAccessibleName(f"Timer {self.title}")
        self.glyph = timer_glyph(self.text.font())
        layout.addWidget(self.text)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("✕")
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.setToolTip("Cancel this timer")
        self.cancel_button.setAccessibleName(f"Cancel timer {self.title}")
        self.cancel_button.clicked.connect(lambda: cancel(self.timer_id))
        layout.addWidget(self.cancel_button)
        self.tick()

    def tick(self) -> None:
        left = (self.fires_at - datetime.now(self.fires_at.tzinfo)).total_seconds()
        self.text.setText(f"{self.glyph} {self.title} · {format_left(left)}")


class TimersStrip(QWidget):
    """Shows the board's running timers as chips, hidden while there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Running timers")
        self.board: TimerBoard | None = None
        self.chips: dict[str, TimerChip] = {}
        self._unsubscribe: Callable[[], None] | None = None
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self._clock = QTimer(self)
        self._clock.setInterval(250)
        self._clock.timeout.connect(self._tick)
        self.hide()

    def follow(self, board: TimerBoard) -> None:
        """Show `board`'s timers from now on."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        self.board = board
        self._unsubscribe = board.subscribe(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        timers = list(self.board.timers()) if self.board is not None else []
        wanted = {timer.timer_id: timer for timer in timers}
        for timer_id in [t for t in self.chips if t not in wanted]:
            chip = self.chips.pop(timer_id)
            chip.hide()
            chip.deleteLater()
        for timer in sorted(timers, key=lambda t: t.fires_at):
            if timer.timer_id not in self.chips:
                chip = TimerChip(timer, self._cancel)
                self.chips[timer.timer_id] = chip
                self._layout.insertWidget(self._layout.count() - 1, chip)
        self.setVisible(bool(self.chips))
        if self.chips:
            self._clock.start()
        else:
            self._clock.stop()

    def _cancel(self, timer_id: str) -> None:
        if self.board is not None:
            self.board.cancel(timer_id)
        self.refresh()

    def _tick(self) -> None:
        for chip in self.chips.values():
            chip.tick()
