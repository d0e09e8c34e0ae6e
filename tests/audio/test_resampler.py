"""Streaming resampler: one continuous signal whatever the block sizes."""

from __future__ import annotations

import numpy as np
import pytest

from voicelive_desktop.audio.resampler import StreamingResampler


def _sine(rate: int, seconds: float, hz: float = 997.0) -> np.ndarray:
    return (0.5 * np.sin(2 * np.pi * hz * np.arange(int(rate * seconds)) / rate)).astype(np.float32)


@pytest.mark.parametrize("in_rate", [44_100, 48_000, 16_000, 96_000])
def test_block_boundaries_leave_no_discontinuity(in_rate: int) -> None:
    signal = _sine(in_rate, 1.0)
    resampler = StreamingResampler(in_rate, 24_000)
    rng = np.random.default_rng(in_rate)
    pieces, boundaries, position = [], [], 0
    while position < signal.size:
        size = int(rng.integers(1, in_rate // 25))
        out = resampler.process(signal[position : position + size])
        pieces.append(out)
        boundaries.append(sum(piece.size for piece in pieces))
        position += size
    pieces.append(resampler.process(signal[:0], last=True))
    output = np.concatenate(pieces)
    assert abs(output.size - 24_000) <= 1
    ideal = _sine(24_000, output.size / 24_000)[: output.size]
    error = np.abs(output - ideal)
    steady = slice(500, output.size - 500)  # the filter's start-up and drain are not boundaries
    assert error[steady].max() < 1e-4
    edges = [edge for edge in boundaries if 500 <= edge < output.size - 500]
    assert edges, "the test must cross block boundaries"
    assert max(error[edge - 1 : edge + 1].max() for edge in edges) < 1e-4


def test_blockwise_output_equals_one_shot_output() -> None:
    signal = _sine(48_000, 0.5, hz=3_000)
    whole = StreamingResampler(48_000, 24_000).process(signal, last=True)
    resampler = StreamingResampler(48_000, 24_000)
    blocks = [resampler.process(signal[i : i + 960]) for i in range(0, signal.size, 960)]
    blocks.append(resampler.process(signal[:0], last=True))
    np.testing.assert_allclose(np.concatenate(blocks), whole, atol=1e-6)


def test_equal_rates_pass_through() -> None:
    block = _sine(24_000, 0.02)
    assert StreamingResampler(24_000, 24_000).process(block) is block


def test_bad_rate_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="must be positive"):
        StreamingResampler(0, 24_000)
