"""The echo reference: what the speaker was playing when each 20 ms mic frame was captured.

Two halves on two threads:
- `PlaybackHistory` (written on the speaker's PortAudio thread): a ring of the samples the
  output callback handed to the device, and when the newest block will be heard (callback
  time plus PortAudio's reported output latency). Recording is one copy into a preallocated
  ring per block; nothing is allocated.
- `EchoReferencePairing` (loop thread): given a mic frame's capture time (callback time less
  PortAudio's reported input latency), reads the samples that were playing then, shifted by
  the residual delay that `EchoDelayEstimator` measures by cross-correlation and re-measures
  during the session, and returns them at 24 kHz.

The history records what the device really played, fade-outs and silence included, so a
barge-in flush needs no special case. A reopened speaker (device change, failure) starts a
new history generation and a reopened mic resets its own clock anchor, and the pairing
re-aligns on the next frame. Clock drift between the two devices is followed by gliding the
read position, never by jumping, so the reference stays one continuous signal.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from voicelive_desktop import protocol
from voicelive_desktop.audio.echo_delay import EchoDelayEstimator
from voicelive_desktop.audio.samples import PCM16_FULL_SCALE, FloatArray

Float64Array = npt.NDArray[np.float64]

_HISTORY_S = 2.0
# The reference runs this far ahead of the echo: a canceller's filter must stay causal when
# the measured delay is off a little, and WebRTC's AEC3 was seen to lose the echo entirely
# with a lead of 2 ms (fine from 5 ms on).
LEAD_MS = 10.0
# Beyond this much disagreement the pairing jumps to the new position (a speaker resuming
# from a pause, a device change); below it, it glides towards it (drift, jitter).
_RESYNC_S = 0.100
_FRAME_S = protocol.FRAME_MS / 1000
# How fast a device clock's offset may rise per frame (0.25 ms/s: a clock 250 ppm slow).
_CLOCK_RISE_S = 0.000005
_SMOOTHING = 0.05  # per frame: a 0.4 s time constant over callback-time jitter
_GLIDE_S_PER_FRAME = 0.0005 * protocol.FRAME_MS / 1000  # 0.5 ms per second
# A measurement that leaves the echo less than this far behind the reference is taken up at
# once: a canceller has no causal margin left there (and none at all once the echo comes
# first: PulseAudio's ALSA plugin over-reports the input latency by ~70 ms, which a glide
# would take 2.5 minutes to cross).
_MIN_LEAD_S = LEAD_MS / 2000
# The first measurement on a new speaker stream is taken up at once when further off than
# this: the echo path itself moved, so no canceller is converged on the old alignment.
_RETAKE_S = 0.002


class PlaybackHistory:
    """Owns the ring of recently played speaker samples and the clock anchor that dates them.

    `record` runs on the PortAudio thread, `read` and `anchor` on the loop thread. The ring
    holds `_HISTORY_S`; samples are read at least one output latency after being written, so
    the writer never overtakes a reader in practice, and `read` refuses samples already
    overwritten.
    """

    def __init__(self) -> None:
        self.rate = 0
        self.generation = 0
        self._ring: FloatArray = np.zeros(0, dtype=np.float32)
        self._written = 0
        self._latency_s = 0.0
        # (index of the newest block's first sample, monotonic time it will be heard)
        self.anchor: tuple[int, float] | None = None

    def configure(self, rate: int, output_latency_s: float) -> None:
        """A (re)opened output stream at `rate`: start a new generation (loop thread)."""
        self.anchor = None
        self._ring = np.zeros(int(rate * _HISTORY_S), dtype=np.float32)
        self._written = 0
        self._latency_s = output_latency_s
        self.rate = rate
        self.generation += 1

    def record(self, block: FloatArray, now: float) -> None:
        """The block the output callback just handed to the device (PortAudio thread)."""
        ring = self._ring
        size = ring.size
        n = block.size
        if size == 0 or n > size:
            return
        start = self._written % size
        first = min(n, size - start)
        ring[start : start + first] = block[:first]
        if first < n:
            ring[: n - first] = block[first:]
        self.anchor = (self._written, now + self._latency_s)
        self._written += n

    def record_silence(self, count: int, now: float) -> None:
        """The output callback played `count` samples of silence (PortAudio thread)."""
        ring = self._ring
        size = ring.size
        if size == 0 or count > size:
            return
        start = self._written % size
        first = min(count, size - start)
        ring[start : start + first] = 0.0
        if first < count:
            ring[: count - first] = 0.0
        self.anchor = (self._written, now + self._latency_s)
        self._written += count

    def read(self, start: int, out: FloatArray) -> None:
        """Samples `start` .. `start + out.size` of the stream; silence where not (or no
        longer) in the ring (loop thread)."""
        size = self._ring.size
        end = start + out.size
        written = self._written
        lo, hi = max(start, written - size, 0), min(end, written)
        out[:] = 0.0
        if size == 0 or lo >= hi:
            return
        first, count = lo % size, hi - lo
        take = min(count, size - first)
        out[lo - start : lo - start + take] = self._ring[first : first + take]
        if take < count:
            out[lo - start + take : hi - start] = self._ring[: count - take]


class EchoReferencePairing:
    """Owns the alignment of the speaker's history to the mic's frames (loop thread).

    `reference_for(captured_at)` returns the 24 kHz reference frame at PCM16 scale for the mic
    frame whose first sample was captured at `captured_at` (monotonic seconds). `observe`
    feeds the delay estimator the mic frame with its reference, so the residual delay is
    re-measured as the session goes on.
    """

    def __init__(
        self,
        history: PlaybackHistory,
        follow_residual: bool = True,
        initial_residual_s: float = 0.0,
    ) -> None:
        """`follow_residual` False: measure the residual delay (diagnostics) but pair by the
        reported latencies alone, for a canceller that finds the rest itself (AEC3).
        `initial_residual_s`: what an earlier session on the same devices measured."""
        self.history = history
        self.follow_residual = follow_residual
        self._applied_s = initial_residual_s if follow_residual else 0.0
        self.estimator = EchoDelayEstimator(protocol.SAMPLE_RATE_HZ)
        self.estimator.residual_s = initial_residual_s
        self._frame = protocol.FRAME_SAMPLES
        self._generation = -1
        self._position: float | None = None  # stream index of the next reference sample
        self._span: FloatArray = np.zeros(0, dtype=np.float32)
        self._steps: Float64Array = np.zeros(0, dtype=np.float64)
        self._reference: FloatArray = np.zeros(self._frame, dtype=np.float32)
        self.resyncs = 0
        self._realign = True
        # Measurements made before the speaker's stream changed (None: no change pending).
        self._measured_before_change: int | None = None
        self._speaker_clock = _EarliestOffset()
        self._mic_clock = _EarliestOffset()
        self._mic_frames = 0

    @property
    def residual_delay_s(self) -> float:
        """The delay measured beyond PortAudio's reported latencies."""
        return self.estimator.residual_s

    @property
    def lead_ms(self) -> float:
        """How far the reference runs ahead of the echo once aligned."""
        return LEAD_MS

    @property
    def applied_delay_s(self) -> float:
        """The residual delay the pairing uses now (it glides towards the measured one)."""
        return self._applied_s

    @property
    def expected_lag_ms(self) -> float:
        """The pairing's estimate of how far the echo lags channel 1 right now: the lead, plus
        what it has measured but not yet taken up."""
        return LEAD_MS + (self.estimator.residual_s - self._applied_s) * 1000

    def reset(self) -> None:
        """Forget the read position (the mic was reopened: its clock anchor changed)."""
        self._position = None
        self._realign = True
        self._mic_clock = _EarliestOffset()
        self._mic_frames = 0

    def reference_for(self, captured_at: float) -> FloatArray:
        """The reference frame for a mic frame captured at `captured_at`; silence while the
        speaker has played nothing."""
        history = self.history
        anchor = history.anchor
        if anchor is None or history.rate == 0:
            self._reference.fill(0.0)
            return self._reference
        rate = history.rate
        if history.generation != self._generation:
            self._adopt(rate, history.generation)
        index, heard_at = anchor
        # Callbacks come late, never early, and on PulseAudio by up to 30 ms: each device's
        # clock is read as the earliest offset seen lately between its sample count and the
        # callback times, not from the latest callback alone.
        heard_offset = self._speaker_clock.update(heard_at - index / rate)
        captured_offset = self._mic_clock.update(captured_at - self._mic_frames * _FRAME_S)
        captured_at = captured_offset + self._mic_frames * _FRAME_S
        self._mic_frames += 1
        self._glide_residual()
        applied_before = self._applied_s
        wanted = captured_at - self._applied_s + LEAD_MS / 1000 - heard_offset
        target = wanted * rate
        if self._position is None or abs(target - self._position) > _RESYNC_S * rate:
            if self.follow_residual and self._realign:
                # Re-aligning anyway: take up the measured delay at once.
                self._applied_s = self.estimator.residual_s
                self.estimator.restart()
                target = (wanted - (self._applied_s - applied_before)) * rate
            self._position = target
            self._realign = False
            self.resyncs += 1
        else:
            # Follow by a fraction of the error each frame: callback jitter averages out,
            # drift is tracked within a fraction of a sample, and the reference stays smooth.
            self._position += _SMOOTHING * (target - self._position)
        start = math.floor(self._position) - 1  # one sample before, for the interpolation
        history.read(start, self._span)
        if self._span.any():
            # The speaker plays 24 kHz audio resampled up, so there is nothing above 12 kHz to
            # alias: reading it at 24 kHz positions, interpolating between device samples, is
            # a faithful, stateless resampling that a jump of the position cannot disturb.
            self._reference[:] = _cubic(self._span, self._steps + (self._position - start))
            self._reference *= PCM16_FULL_SCALE
        else:  # nothing played then (most of the time): the interpolation would be zeros
            self._reference.fill(0.0)
        self._position += self._frame * rate / protocol.SAMPLE_RATE_HZ
        return self._reference

    def observe(self, mic: FloatArray, reference: FloatArray) -> None:
        """Feed the estimator one mic frame and its reference (both at PCM16 scale)."""
        self.estimator.add(mic, reference, self.lead_ms / 1000, self._applied_s)

    def _glide_residual(self) -> None:
        """Move the applied delay towards the measured one, slowly. A canceller that has
        converged loses the echo for about a second when its reference jumps, even in a
        pause (seen with WebRTC's AEC3); a glide of 0.5 ms a second it follows like drift.

        A measurement is taken up at once instead when no canceller can have converged on
        the reference it corrects: one that finds the echo (nearly) ahead of the reference,
        and the first one on a new speaker stream (device change, resume after a rest),
        whose buffering may differ behind the same reported latency."""
        if not self.follow_residual:
            return
        estimator = self.estimator
        error = estimator.residual_s - self._applied_s
        changed = self._measured_before_change
        first_since_change = changed is not None and estimator.measurements > changed
        if first_since_change:
            self._measured_before_change = None
        if LEAD_MS / 1000 + error < _MIN_LEAD_S or (first_since_change and abs(error) > _RETAKE_S):
            self._take_up(error)
            return
        self._applied_s += max(-_GLIDE_S_PER_FRAME, min(_GLIDE_S_PER_FRAME, error))

    def _take_up(self, error: float) -> None:
        """Apply the measured delay now: the read position moves by `error` at once."""
        self._applied_s += error
        if self._position is not None:
            self._position -= error * self.history.rate
        self.estimator.restart()
        self.resyncs += 1

    def _adopt(self, rate: int, generation: int) -> None:
        if self._generation != -1:  # not the session's first stream
            self._measured_before_change = self.estimator.measurements
        self._generation = generation
        self._position = None
        self._realign = True
        self._speaker_clock = _EarliestOffset()
        step = rate / protocol.SAMPLE_RATE_HZ
        self._steps = np.arange(self._frame, dtype=np.float64) * step
        self._span = np.zeros(math.ceil(self._frame * step) + 4, dtype=np.float32)


class _EarliestOffset:
    """Owns one device clock's offset from the monotonic clock: the earliest seen, rising
    slowly (so a clock running slow is followed) and restarting after a jump (a pause)."""

    def __init__(self) -> None:
        self.value: float | None = None

    def update(self, offset: float) -> float:
        value = self.value
        if value is None or offset < value or offset - value > _RESYNC_S:
            value = offset
        else:
            value = min(offset, value + _CLOCK_RISE_S)
        self.value = value
        return value


def _cubic(samples: FloatArray, positions: Float64Array) -> Float64Array:
    """`samples` read at fractional `positions` (1 <= p < size - 2) by Catmull-Rom cubic
    interpolation, which keeps the top of the speech band that linear interpolation dulls
    (an error the canceller would have to leave behind as residual echo)."""
    index = positions.astype(np.int64)
    t = positions - index
    p0, p1 = samples[index - 1], samples[index]
    p2, p3 = samples[index + 1], samples[index + 2]
    curve = p2 - p0 + t * (2 * p0 - 5 * p1 + 4 * p2 - p3 + t * (3 * (p1 - p2) + p3 - p0))
    return np.asarray(p1 + 0.5 * t * curve, dtype=np.float64)
