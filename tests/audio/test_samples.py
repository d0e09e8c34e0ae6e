"""PCM16 conversion."""

from __future__ import annotations

import numpy as np
import pytest

from voicelive_desktop.audio.samples import pcm16_bytes_to_float, pcm16_from_scaled


def test_pcm16_rounds_and_clips() -> None:
    scaled = np.array([0.0, 16384.4, -16384.6, 40000.0, -40000.0, 32767.4, -32768.0])
    pcm = pcm16_from_scaled(scaled.astype(np.float32))
    assert pcm.tolist() == [0, 16384, -16385, 32767, -32768, 32767, -32768]


def test_pcm16_round_trip() -> None:
    pcm = np.array([0, 16384, -16384, 32767, -32768], dtype="<i2")
    back = pcm16_bytes_to_float(pcm.tobytes())
    assert back.tolist() == [0.0, 0.5, -0.5, 32767 / 32768, -1.0]


def test_odd_byte_count_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="even number of bytes"):
        pcm16_bytes_to_float(b"\x00\x01\x02")
