"""Sample-format conversions between float32 and PCM16."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
Int16Array = npt.NDArray[np.int16]

# Full scale of PCM16: float 1.0 maps to this many PCM16 steps.
PCM16_FULL_SCALE = 32768.0


def pcm16_from_scaled(scaled: FloatArray, out: Int16Array | None = None) -> Int16Array:
    """PCM16 from samples already at PCM16 scale (full scale = 32768), rounded and clipped.

    `scaled` is rounded and clipped in place: the capture path owns that buffer, and not
    allocating a temporary is a measurable part of its cost. With `out` (same length) the
    result is written there instead of a new array.
    """
    # Plain ufuncs with `out=`: np.clip's Python-level wrapper costs more than the arithmetic.
    np.rint(scaled, out=scaled)
    np.minimum(scaled, 32767.0, out=scaled)
    np.maximum(scaled, -32768.0, out=scaled)
    if out is None:
        pcm16: Int16Array = scaled.astype(np.int16)
        return pcm16
    np.copyto(out, scaled, casting="unsafe")
    return out


def pcm16_bytes_to_float(pcm16: bytes) -> FloatArray:
    """Little-endian PCM16 bytes as float32 samples in [-1, 1)."""
    if len(pcm16) % 2:
        raise ValueError(f"PCM16 audio must have an even number of bytes, got {len(pcm16)}")
    samples: FloatArray = np.frombuffer(pcm16, dtype="<i2").astype(np.float32)
    samples /= np.float32(PCM16_FULL_SCALE)
    return samples
