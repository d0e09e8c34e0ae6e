"""The echo's residual delay, measured by cross-correlating the mic with the reference."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from voicelive_desktop.audio.samples import FloatArray

Float64Array = npt.NDArray[np.float64]

_WINDOW_S = 1.5
_EVERY_S = 1.0
_MAX_LAG_S = 0.4
# Below this normalised correlation the peak is not trusted (user talking, no echo heard).
MIN_CONFIDENCE = 0.25
# A reference quieter than this (RMS at PCM16 scale, about -50 dBFS) carries no usable echo.
_MIN_REFERENCE_RMS = 100.0
_MIN_CHANGE_S = 0.0002


class EchoDelayEstimator:
    """Owns the last few seconds of (mic, reference) pairs and the residual delay they show.

    Once a second, with enough reference signal in the window, the echo's lag behind the
    reference is found as the peak of their cross-correlation (by FFT, `numpy.fft`),
    refined between samples by a parabola. The window is short enough that a delay drifting
    by several milliseconds a minute does not smear the peak. The residual delay is
    corrected by the lag's distance from the intended lead, so it converges in one or two
    measurements and then follows slow changes. Not thread-safe: the loop thread only.
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        size = int(rate * _WINDOW_S)
        self._mic: FloatArray = np.zeros(size, dtype=np.float32)
        self._reference: FloatArray = np.zeros(size, dtype=np.float32)
        self._filled = 0
        self._write = 0
        self._since_estimate = 0
        self.residual_s = 0.0
        self._lead_s = 0.0
        # The delay each frame in the window was paired with (it glides, so it varies).
        self._applied = np.zeros(int(_WINDOW_S * 50), dtype=np.float64)
        self._max_lag = int(_MAX_LAG_S * rate)
        # Circular correlation over this many points equals the linear one for every lag
        # within `_max_lag`; a power of two keeps the FFT at its fastest.
        self._fft_size = 1 << (size + self._max_lag - 1).bit_length()
        self._lags = np.arange(-self._max_lag, self._max_lag + 1)
        self.confidence = 0.0
        self.measurements = 0
        self.last_lag_s: float | None = None  # the echo's lag behind the reference, last seen

    def add(self, mic: FloatArray, reference: FloatArray, lead_s: float, applied_s: float) -> None:
        """One frame of each (equal lengths), paired with `applied_s` of residual delay so that
        the echo should lag the reference by `lead_s`; estimates when a second has gone by."""
        n, size = mic.size, self._mic.size
        self._lead_s = lead_s
        self._applied[(self._write // n) % self._applied.size] = applied_s
        start = self._write % size
        take = min(n, size - start)
        self._mic[start : start + take] = mic[:take]
        self._reference[start : start + take] = reference[:take]
        if take < n:
            self._mic[: n - take] = mic[take:]
            self._reference[: n - take] = reference[take:]
        self._write += n
        self._filled = min(size, self._filled + n)
        self._since_estimate += n
        if self._filled == size and self._since_estimate >= _EVERY_S * self.rate:
            self._since_estimate = 0
            self.estimate()

    def _window(self, ring: FloatArray) -> Float64Array:
        """The ring's contents, oldest first, as float64."""
        start = self._write % ring.size
        return np.concatenate([ring[start:], ring[:start]]).astype(np.float64)

    def restart(self) -> None:
        """Forget the window: the pairing now applies a different delay."""
        self._filled = 0
        self._since_estimate = 0

    def estimate(self) -> float | None:
        """Measure the lag now; updates `residual_s` and returns the lag (None: not trusted)."""
        raw_reference = self._window(self._reference)
        if np.sqrt(np.mean(raw_reference**2)) < _MIN_REFERENCE_RMS:
            return None
        # Correlated as first differences: voiced speech repeats every pitch period (5-10 ms),
        # and its raw correlation has neighbouring peaks nearly as high as the true one (on
        # the virtual devices, espeak's voice was measured one period off); differencing
        # flattens the low-frequency bulk that carries that periodicity into one sharp peak.
        reference, mic = np.diff(raw_reference), np.diff(self._window(self._mic))
        correlation, lags = self._correlate(mic, reference), self._lags
        peak = int(np.argmax(np.abs(correlation)))
        norm = math.sqrt(_energy(mic) * _energy(reference))
        self.confidence = abs(float(correlation[peak])) / norm if norm > 0 else 0.0
        if self.confidence < MIN_CONFIDENCE:
            return None
        lag_s = float(lags[peak] + _subsample(correlation, peak)) / self.rate
        self.last_lag_s = lag_s
        self.measurements += 1
        measured = float(np.mean(self._applied)) + lag_s - self._lead_s
        if abs(measured - self.residual_s) >= _MIN_CHANGE_S:
            self.residual_s = measured
        return lag_s

    def _correlate(self, mic: Float64Array, reference: Float64Array) -> Float64Array:
        """`sum(mic[t + lag] * reference[t])` for each lag in `self._lags`: positive where
        the mic lags the reference. numpy's FFT rather than `scipy.signal.correlate`, which
        computes the same: loading scipy.signal took 0.7 s of CPU and 76 MB of memory at the
        first echo, more than a whole minute of these measurements."""
        n = self._fft_size
        spectrum = np.fft.rfft(mic, n) * np.conj(np.fft.rfft(reference, n))
        circular = np.fft.irfft(spectrum, n)
        return np.concatenate([circular[n - self._max_lag :], circular[: self._max_lag + 1]])


def _energy(window: Float64Array) -> float:
    """The sum of squares, without BLAS: OpenBLAS splits a dot product of more than 10,000
    samples over its worker threads, which then spin-wait for the next call; measured in the
    talking app, that cost 7.6 % of a core for two dot products a second."""
    return float(np.einsum("i,i->", window, window))


def _subsample(correlation: Float64Array, peak: int) -> float:
    """The peak's offset from `peak` by a parabola through it and its neighbours."""
    if peak == 0 or peak == correlation.size - 1:
        return 0.0
    left, centre, right = (abs(float(v)) for v in correlation[peak - 1 : peak + 2])
    denominator = left - 2 * centre + right
    return 0.0 if denominator == 0 else 0.5 * (left - right) / denominator
