"""The running-timers strip: one chip per timer with the time left, cancellable, hidden empty."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from voicelive_desktop.ui.timers_strip import (
    CLOCK_FACE,
    STOPWATCH,
    TimersStrip,
    format_left,
    short_duration,
    timer_glyph,
)


@dataclass(frozen=True)
class _Timer:
    timer_id: str
    label: str
    seconds: int
    fires_at: datetime


class _Board:
    """A timer board with the strip's protocol: a list, cancel, and change listeners."""

    def __init__(self) -> None:
        self.running: dict[str, _Timer] = {}
        self.listeners: list[Callable[[], None]] = []

    def timers(self) -> list[_Timer]:
        return list(self.running.values())

    def cancel(self, timer_id: str) -> _Timer | None:
        found = self.running.pop(timer_id, None)
        self._changed()
        return found

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)

    def add(self, timer: _Timer) -> None:
        self.running[timer.timer_id] = timer
        self._changed()

    def _changed(self) -> None:
        for listener in list(self.listeners):
            listener()


def test_timers_show_counting_down_and_cancel_from_the_strip(qtbot: QtBot) -> None:
    strip = TimersStrip()
    qtbot.addWidget(strip)
    board = _Board()
    strip.follow(board)
    assert strip.isHidden()
    now = datetime.now().astimezone()
    board.add(_Timer("t1", "tea", 3, now + timedelta(seconds=3.2)))
    board.add(_Timer("t2", "", 600, now + timedelta(seconds=600)))
    strip.show()
    assert list(strip.chips) == ["t1", "t2"]
    tea = strip.chips["t1"]
    assert tea.text.text() == f"{tea.glyph} tea · 0:04"
    qtbot.waitUntil(lambda: tea.text.text() == f"{tea.glyph} tea · 0:03", timeout=3000)
    assert strip.chips["t2"].text.text().endswith(" 10 min timer · 10:00")
    assert tea.cancel_button.accessibleName() == "Cancel timer tea"
    qtbot.mouseClick(tea.cancel_button, Qt.MouseButton.LeftButton)
    assert "t1" not in board.running
    assert list(strip.chips) == ["t2"]
    board.cancel("t2")  # fired or cancelled elsewhere
    assert strip.chips == {} and strip.isHidden()


def test_an_unlabelled_timer_is_named_by_its_length() -> None:
    assert short_duration(45) == "45 s"
    assert short_duration(600) == "10 min"
    assert short_duration(5400) == "1 h 30 min"
    assert short_duration(3661) == "1 h 1 min 1 s"


def test_time_left_reads_like_a_kitchen_timer() -> None:
    assert format_left(9.2) == "0:10"
    assert format_left(272) == "4:32"
    assert format_left(3723) == "1:02:03"
    assert format_left(-5) == "0:00"


def test_the_chip_glyph_is_one_the_font_can_draw(qtbot: QtBot) -> None:
    """DejaVu Sans (most Linux desktops' UI font) has no stopwatch: it drew an empty box."""
    for family in ("DejaVu Sans", QApplication.font().family()):
        font = QFont(family)
        glyph = timer_glyph(font)
        assert glyph in (STOPWATCH, CLOCK_FACE)
        assert QFontMetrics(font).inFontUcs4(ord(glyph)), (family, glyph)
