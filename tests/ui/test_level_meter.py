"""Level meters: rise at once, fall smoothly, hold the peak, go idle when silent."""

from __future__ import annotations

import itertools

from pytestqt.qtbot import QtBot

from voicelive_desktop.ui.level_meter import FLOOR_DB, LevelMeter


def test_meter_rises_instantly_and_decays_smoothly(qtbot: QtBot) -> None:
    meter = LevelMeter("Mic")
    qtbot.addWidget(meter)
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
    meter.set_level(-6.0, -1.0)
    for _ in range(400):
        meter.advance_frame()
    assert meter.level_db == FLOOR_DB
    assert meter.peak_db == FLOOR_DB
    assert not meter.animating


def test_meter_clamps_and_paints(qtbot: QtBot) -> None:
    meter = LevelMeter("Mic")
    qtbot.addWidget(meter)
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
