"""Level meters: rise at once, fall smoothly, hold the peak, go idle when silent."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from voicelive_desktop.ui.level_meter import FLOOR_DB, LevelMeter


def test_meter_rises_instantly_and_decays_smoothly(qtbot: QtBot) -> None:
    meter = LevelMeter("Mic")
    qtbot.addWidget(meter)
    meter.show()
    meter.set_level(-12.0, -3.0)
    assert meter.level_db == -12.0
    assert meter.peak_db == -3.0
    assert meter.animating
    meter.set_level(-50.0, -45.0)  # a quiet block: the bar must not drop at once
    assert meter.level_db == -12.0
    levels = []
    for _ in range(10):
        meter.advance_frame()
        levels.append(meter.level_db)
    assert all(a > b for a, b in itertools.pairwise(levels))
    assert levels[-1] > -50.0  # still falling, not jumped
    assert meter.peak_db == -3.0  # peak held for about a second


def test_meter_settles_and_stops_its_timer(qtbot: QtBot) -> None:
    meter = LevelMeter("Speaker")
    qtbot.addWidget(meter)
    meter.show()
    meter.set_level(-6.0, -1.0)
    for _ in range(400):
        meter.advance_frame()
    assert meter.level_db == FLOOR_DB
    assert meter.peak_db == FLOOR_DB
    assert not meter.animating


def test_meter_clamps_and_paints(qtbot: QtBot) -> None:
    meter = LevelMeter("Mic")
    qtbot.addWidget(meter)
    meter.show()
    meter.resize(200, 8)
    meter.set_level(-200.0, 12.0)
    assert meter.level_db == FLOOR_DB
    assert meter.peak_db == 0.0
    image = meter.grab().toImage()
    assert image.width() == 200
    # The peak tick is painted at the right edge in the text colour, unlike the groove.
    assert image.pixelColor(199, 4) != image.pixelColor(100, 4)
    meter.reset()
    assert not meter.animating


class PaintCount(QObject):
    """Counts the paint events one widget receives."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _meter_in_window(qtbot: QtBot) -> tuple[QWidget, LevelMeter, PaintCount]:
    window = QWidget()
    qtbot.addWidget(window)
    meter = LevelMeter("Mic", window)
    QVBoxLayout(window).addWidget(meter)
    window.resize(200, 40)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    return window, meter, PaintCount(meter)


def _speech_then_silence(meter: LevelMeter) -> None:
    for step in range(60):
        meter.set_level(-20.0 - step % 7, -6.0)
    for _ in range(400):
        meter.set_level(-96.0, -96.0)
        meter.advance_frame()


def test_a_meter_repaints_while_shown_and_not_at_all_while_hidden_or_minimised(
    qtbot: QtBot,
) -> None:
    window, meter, paints = _meter_in_window(qtbot)
    meter.set_level(-20.0, -6.0)
    QApplication.processEvents()
    assert paints.count >= 1
    for hide in (window.hide, window.showMinimized):
        window.showNormal()
        QApplication.processEvents()
        hide()
        QApplication.processEvents()
        before = paints.count
        _speech_then_silence(meter)
        QApplication.processEvents()
        assert paints.count == before, hide.__name__
        assert not meter.animating, hide.__name__
        assert meter.level_db == FLOOR_DB  # back on screen it starts from silence


def test_a_meter_repaints_only_when_the_bar_or_tick_moves(qtbot: QtBot) -> None:
    _window, meter, paints = _meter_in_window(qtbot)
    for _ in range(100):  # a silent mic: 50 levels a second at the floor
        meter.set_level(-96.0, -96.0)
        QApplication.processEvents()
    assert paints.count == 0
    assert not meter.animating
    meter.set_level(-20.0, -20.0)
    QApplication.processEvents()
    assert paints.count == 1
    for _ in range(10):  # the same level again moves nothing
        meter.set_level(-20.0, -20.0)
        QApplication.processEvents()
    assert paints.count == 1
    meter.set_level(-10.0, -10.0)
    QApplication.processEvents()
    assert paints.count == 2
