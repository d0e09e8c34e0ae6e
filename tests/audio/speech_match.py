"""Comparing recorded audio with a reference: alignment, correlation and loud stretches."""

from __future__ import annotations

from math import gcd

import numpy as np
from scipy.signal import correlate, resample_poly


def resample_to(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    divisor = gcd(rate, target)
    return resample_poly(samples, target // divisor, rate // divisor).astype(np.float32)


def best_correlation(recording: np.ndarray, reference: np.ndarray) -> float:
    """Normalised correlation of `reference` with the best-aligned stretch of `recording`."""
    if recording.size < reference.size:
        return 0.0
    scores = correlate(recording, reference, mode="valid", method="fft")
    lag = int(np.argmax(np.abs(scores)))
    stretch = recording[lag : lag + reference.size]
    denominator = np.linalg.norm(stretch) * np.linalg.norm(reference) + 1e-12
    return float(np.dot(stretch, reference) / denominator)


def loud_span_ms(samples: np.ndarray, rate: int, threshold: float = 0.01) -> tuple[float, float]:
    """Start and end (ms) of the region whose 1 ms windows have RMS above `threshold`."""
    window = rate // 1000
    count = samples.size // window
    rms = np.sqrt(np.mean(samples[: count * window].reshape(count, window) ** 2, axis=1))
    loud = np.flatnonzero(rms > threshold)
    if loud.size == 0:
        return 0.0, 0.0
    return float(loud[0]), float(loud[-1] + 1)
