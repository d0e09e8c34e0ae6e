"""Signal level in dBFS (RMS and peak) for meters."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from voicelive_desktop.audio.samples import FloatArray

# 16-bit audio cannot go quieter than this, and meters need a finite bottom.
LEVEL_FLOOR_DBFS = -96.0
_FLOOR_AMPLITUDE = 10.0 ** (LEVEL_FLOOR_DBFS / 20.0)


@dataclass(frozen=True)
class AudioLevel:
    """The level of one block of samples, in dBFS clipped to `LEVEL_FLOOR_DBFS`."""

    rms_dbfs: float
    peak_dbfs: float


SILENT_LEVEL = AudioLevel(LEVEL_FLOOR_DBFS, LEVEL_FLOOR_DBFS)


def amplitude_to_dbfs(amplitude: float) -> float:
    """A linear amplitude (1.0 = full scale) in dBFS, never below the floor."""
    return 20.0 * math.log10(max(amplitude, _FLOOR_AMPLITUDE))


def measure_level(samples: FloatArray, full_scale: float = 1.0) -> AudioLevel:
    """RMS and peak level of float samples whose full scale is `full_scale`."""
    if samples.size == 0:
        return SILENT_LEVEL
    rms = math.sqrt(float(np.dot(samples, samples)) / samples.size) / full_scale
    # max and -min instead of abs(): no temporary array (this runs on the PortAudio thread).
    peak = max(float(samples.max()), -float(samples.min())) / full_scale
    return AudioLevel(amplitude_to_dbfs(rms), amplitude_to_dbfs(peak))
