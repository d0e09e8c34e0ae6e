"""Sample-format conversions: channel down-mix and float32 <-> PCM16."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
Int16Array = npt.NDArray[np.int16]

_PCM16_SCALE = 32768.0


def downmix(block: FloatArray) -> FloatArray:
    """Mono from a (frames, channels) block: the mean of the channels, so no channel clips.

    A 1-D block is already mono and comes back unchanged (the seed averaged neighbouring
    samples, which for mono input is a low-pass filter plus a halving of the rate).
    """
    if block.ndim == 1:
        return block
    if block.shape[1] == 1:
        return block[:, 0]
    mono: FloatArray = block.mean(axis=1, dtype=np.float32)
    return mono


def float_to_pcm16(samples: FloatArray) -> Int16Array:
    """Round float samples in [-1, 1) to PCM16, clipping anything louder."""
    scaled = np.rint(samples * _PCM16_SCALE)
    np.clip(scaled, -32768.0, 32767.0, out=scaled)
    pcm16: Int16Array = scaled.astype(np.int16)
    return pcm16


def pcm16_bytes_to_float(pcm16: bytes) -> FloatArray:
    """Little-endian PCM16 bytes as float32 samples in [-1, 1)."""
    if len(pcm16) % 2:
        raise ValueError(f"PCM16 audio must have an even number of bytes, got {len(pcm16)}")
    return np.frombuffer(pcm16, dtype="<i2").astype(np.float32) / np.float32(_PCM16_SCALE)
