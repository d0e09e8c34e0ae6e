"""Down-mix and PCM16 conversion."""

from __future__ import annotations

import numpy as np
import pytest

from voicelive_desktop.audio.samples import downmix, float_to_pcm16, pcm16_bytes_to_float


def test_mono_block_passes_through_unchanged() -> None:
    # The seed averaged neighbouring samples even for mono, halving the rate and muffling it.
    block = np.array([[0.1], [0.5], [-0.3], [0.2]], dtype=np.float32)
    assert np.array_equal(downmix(block), block[:, 0])


@pytest.mark.parametrize("channels", [2, 3, 4, 6, 8])
def test_downmix_is_the_mean_of_the_channels(channels: int) -> None:
    rng = np.random.default_rng(channels)
    block = rng.uniform(-1, 1, size=(480, channels)).astype(np.float32)
    mono = downmix(block)
    assert mono.shape == (480,)
    assert mono.dtype == np.float32
    np.testing.assert_allclose(mono, block.mean(axis=1), rtol=1e-5, atol=1e-6)


def test_downmix_of_identical_channels_keeps_the_level() -> None:
    signal = np.sin(np.linspace(0, 20, 480)).astype(np.float32)
    block = np.stack([signal, signal], axis=1)
    np.testing.assert_allclose(downmix(block), signal, rtol=1e-6)


def test_pcm16_round_trip_and_clipping() -> None:
    samples = np.array([0.0, 0.5, -0.5, 1.5, -1.5, 1.0, -1.0], dtype=np.float32)
    pcm = float_to_pcm16(samples)
    assert pcm.tolist() == [0, 16384, -16384, 32767, -32768, 32767, -32768]
    back = pcm16_bytes_to_float(pcm.astype("<i2").tobytes())
    np.testing.assert_allclose(back[:3], samples[:3])


def test_odd_byte_count_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="even number of bytes"):
        pcm16_bytes_to_float(b"\x00\x01\x02")
