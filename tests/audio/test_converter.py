"""Capture conversion: any channel count down-mixed to mono at PCM16 scale, then resampled."""

from __future__ import annotations

import numpy as np
import pytest

from voicelive_desktop.audio.converter import CaptureConverter


def test_mono_blocks_keep_their_samples() -> None:
    # The seed averaged neighbouring samples even for mono, halving the rate and muffling it.
    block = np.array([[0.1], [0.5], [-0.3], [0.2]], dtype=np.float32)
    mono = CaptureConverter(24_000, 1).process(block)
    np.testing.assert_allclose(mono, block[:, 0] * 32768, rtol=1e-6)


@pytest.mark.parametrize("channels", [2, 3, 4, 6, 8])
def test_downmix_is_the_mean_of_the_channels(channels: int) -> None:
    rng = np.random.default_rng(channels)
    block = rng.uniform(-1, 1, size=(480, channels)).astype(np.float32)
    mono = CaptureConverter(24_000, channels).process(block)
    assert mono.shape == (480,)
    assert mono.dtype == np.float32
    np.testing.assert_allclose(mono, block.mean(axis=1) * 32768, rtol=1e-5, atol=0.05)


def test_identical_channels_keep_the_level_and_a_silent_one_halves_it() -> None:
    signal = np.sin(np.linspace(0, 20, 480)).astype(np.float32)
    same = CaptureConverter(24_000, 2).process(np.stack([signal, signal], axis=1))
    np.testing.assert_allclose(same, signal * 32768, rtol=1e-5, atol=0.05)
    one_sided = CaptureConverter(24_000, 2).process(
        np.stack([signal, np.zeros_like(signal)], axis=1)
    )
    np.testing.assert_allclose(one_sided, signal * 16384, rtol=1e-5, atol=0.05)


def test_resamples_to_the_wire_rate_across_blocks() -> None:
    converter = CaptureConverter(48_000, 2)
    tone = 0.5 * np.sin(2 * np.pi * 997 * np.arange(48_000) / 48_000)
    stereo = np.repeat(tone.astype(np.float32)[:, np.newaxis], 2, axis=1)
    out = np.concatenate([converter.process(stereo[i : i + 960]) for i in range(0, 48_000, 960)])
    assert 23_000 < out.size <= 24_000  # the filter holds back its delay until drained
    ideal = 0.5 * 32768 * np.sin(2 * np.pi * 997 * np.arange(out.size) / 24_000)
    assert np.max(np.abs(out[500:] - ideal[500:])) < 1.0  # under one PCM16 step


def test_a_block_without_channels_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="at least one channel"):
        CaptureConverter(48_000, 0)
