"""Sample-format conversions: channel down-mix and float32 <-> PCM16."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
Int16Array = npt.NDArray[np.int16]

# Full scale of PCM16: float 1.0 maps to this many PCM16 steps.
PCM16_FULL_SCALE = 32768.0

_mean_weights: dict[tuple[int, float], FloatArray] = {}


def downmix(block: FloatArray, gain: float = 1.0) -> FloatArray:
    """Mono from a (frames, channels) block: the mean of the channels (so no channel clips),
    times `gain`.

    A 1-D or single-channel block is already mono (the seed averaged neighbouring samples,
    which for mono input is a low-pass filter plus a halving of the rate). The capture path
    passes `gain=PCM16_FULL_SCALE`: scaling inside the mean is free, and saves a pass later.
    """
    if block.ndim == 1 or block.shape[1] == 1:
        mono = block.reshape(-1)
        return mono if gain == 1.0 else mono * np.float32(gain)
    key = (block.shape[1], gain)
    weights = _mean_weights.get(key)
    if weights is None:
        weights = _mean_weights.setdefault(key, np.full(key[0], gain / key[0], dtype=np.float32))
    # A matrix-vector product is the mean without numpy's slow strided reduction over axis 1.
    mixed: FloatArray = block @ weights
    return mixed


def pcm16_from_scaled(scaled: FloatArray) -> Int16Array:
    """Round samples already at PCM16 scale (full scale = 32768) to PCM16, clipping."""
    # Plain ufuncs with `out=`: np.clip's Python-level wrapper costs more than the arithmetic.
    rounded = np.rint(scaled)
    np.minimum(rounded, 32767.0, out=rounded)
    np.maximum(rounded, -32768.0, out=rounded)
    pcm16: Int16Array = rounded.astype(np.int16)
    return pcm16


def float_to_pcm16(samples: FloatArray) -> Int16Array:
    """Round float samples in [-1, 1) to PCM16, clipping anything louder."""
    return pcm16_from_scaled(samples * np.float32(PCM16_FULL_SCALE))


def pcm16_bytes_to_float(pcm16: bytes) -> FloatArray:
    """Little-endian PCM16 bytes as float32 samples in [-1, 1)."""
    if len(pcm16) % 2:
        raise ValueError(f"PCM16 audio must have an even number of bytes, got {len(pcm16)}")
    samples: FloatArray = np.frombuffer(pcm16, dtype="<i2").astype(np.float32)
    samples /= np.float32(PCM16_FULL_SCALE)
    return samples
