"""dBFS levels for meters."""

from __future__ import annotations

import numpy as np
import pytest

from voicelive_desktop.audio.levels import LEVEL_FLOOR_DBFS, measure_level


def test_full_scale_sine_levels() -> None:
    sine = np.sin(2 * np.pi * np.arange(4800) / 48).astype(np.float32)
    level = measure_level(sine)
    assert level.peak_dbfs == pytest.approx(0.0, abs=0.01)
    assert level.rms_dbfs == pytest.approx(-3.01, abs=0.02)


def test_half_scale_is_six_db_down() -> None:
    level = measure_level(np.full(480, -0.5, dtype=np.float32))
    assert level.rms_dbfs == pytest.approx(-6.02, abs=0.01)
    assert level.peak_dbfs == pytest.approx(-6.02, abs=0.01)


def test_silence_and_empty_sit_on_the_floor() -> None:
    assert measure_level(np.zeros(480, dtype=np.float32)).rms_dbfs == LEVEL_FLOOR_DBFS
    assert measure_level(np.zeros(0, dtype=np.float32)).peak_dbfs == LEVEL_FLOOR_DBFS
