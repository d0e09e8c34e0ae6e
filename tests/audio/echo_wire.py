"""What a client-reference session sent, frame by frame, and how well its two channels line
up: the helpers of tests/audio/test_echo_alignment_virtual.py.

A `WireTap` records every hand-over the app paired (through `VoiceSession.wire_taps`) with
the pairing's own estimate of the lag at that moment; `judge` cross-correlates channel 0
(the mic, which hears the speaker) with channel 1 (the reference) of what the simulator
received, per 1 s window, and compares each lag with that estimate.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import signal

from voicelive_desktop import protocol
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.voice_session import VoiceSession

RATE = protocol.SAMPLE_RATE_HZ
_WINDOW = RATE  # 1 s windows ...
_HOP = RATE // 2  # ... every 0.5 s
_MIN_TRUST = 0.35  # a weaker correlation peak (a pause, a word's end) measures nothing
_QUIET_RMS = 300.0  # a reference quieter than this in a window: a pause in the answer
# A step of the true delay between two windows (a skip of PulseAudio's streams under load:
# seen 3-140 ms) is for the estimator to find (it measures every 1 s over 1.5 s); the windows
# this long after it are not judged.
_STEP_MS = 1.5
_RECOVERY_S = 2.5


@dataclass
class SentFrame:
    """One hand-over the app sent, with what the pairing knew right after pairing it."""

    pcm: bytes
    at: float  # monotonic time of the hand-over
    expected_lag_ms: float
    measurements: int
    glitches: int  # mic overflows + speaker underflows so far


@dataclass
class WireTap:
    """Records what `session` sends, as it sends it."""

    session: VoiceSession
    frames: list[SentFrame] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.session.wire_taps.append(self._tap)

    @property
    def measurements(self) -> int:
        stage = self.session.capture.echo_stage
        return stage.pairing.estimator.measurements if stage is not None else 0

    def _tap(self, pcm: bytes) -> None:
        session = self.session
        stage = session.capture.echo_stage
        assert stage is not None and stage.channels == 2
        pairing = stage.pairing
        glitches = session.capture.overflows + session.playback.device_underflows
        self.frames.append(
            SentFrame(
                pcm,
                time.monotonic(),
                pairing.expected_lag_ms,
                pairing.estimator.measurements,
                glitches,
            )
        )


@dataclass
class Judged:
    """The windows compared, and why the others were not."""

    errors: list[float]  # wire lag - the pairing's estimate, ms, per judged window
    steps: int  # steps of the true delay seen
    recovering: int  # windows not judged because a step had just happened
    untrusted: int  # windows whose correlation was too weak to measure a lag

    def __str__(self) -> str:
        shown = ", ".join(f"{e:+.2f}" for e in self.errors)
        return (
            f"wire lag - estimate (ms), per 1 s window: {shown}; {self.steps} step(s) of "
            f"the true delay, {self.recovering} window(s) after them and {self.untrusted} "
            "weak one(s) not judged"
        )


def wire_lag_ms(mic: np.ndarray, reference: np.ndarray) -> tuple[float, float]:
    """How far the echo in `mic` lags `reference` (within +-200 ms), by cross-correlation
    of their first differences (which flattens speech's low-frequency bulk into a sharp
    peak), and the normalised height of that peak (how much to trust it)."""
    a, b = np.diff(mic.astype(np.float64)), np.diff(reference.astype(np.float64))
    correlation = signal.correlate(a, b, mode="full", method="fft")
    lags = signal.correlation_lags(a.size, b.size, mode="full")
    usable = np.abs(lags) <= RATE // 5
    correlation, lags = correlation[usable], lags[usable]
    peak = int(np.argmax(np.abs(correlation)))
    trust = abs(float(correlation[peak])) / float(np.sqrt(np.dot(a, a) * np.dot(b, b)) or 1.0)
    return float(lags[peak]) * 1000 / RATE, trust


def received_stereo(simulator: VoiceLiveSimulator, tap: WireTap) -> tuple[np.ndarray, int]:
    """The stereo audio the simulator received (samples x 2), checked to be exactly what the
    app paired, and the index of the tap's frame it starts in."""
    wire = b"".join(
        base64.b64decode(append["audio"])
        for append in simulator.received_of("input_audio_buffer.append")
    )
    tapped = b"".join(frame.pcm for frame in tap.frames)
    start = tapped.find(wire[: protocol.FRAME_BYTES * 4])
    assert start >= 0 and start % 4 == 0, "the simulator got audio the app did not pair"
    assert tapped[start : start + len(wire)] == wire
    return np.frombuffer(wire, dtype="<i2").reshape(-1, 2).astype(np.float64), start // 4


def judge(
    simulator: VoiceLiveSimulator, tap: WireTap, judged_from: Callable[[SentFrame], bool]
) -> Judged:
    """Compare, per window whose first frame `judged_from` accepts, the lag of the echo in
    channel 0 behind channel 1 with the pairing's estimate over that window."""
    stereo, offset = received_stereo(simulator, tap)
    mic, reference = stereo[:, 0], stereo[:, 1]
    sent = tap.frames
    sizes = np.array([len(frame.pcm) // 4 for frame in sent])
    first_sample = np.concatenate([[0], np.cumsum(sizes)]) - offset

    def frame_at(sample: int) -> int:
        return int(np.searchsorted(first_sample, sample, side="right")) - 1

    result = Judged([], 0, 0, 0)
    previous: tuple[float, float] | None = None  # (wire lag, estimate) of the last window
    recovering_until = -1
    for begin in range(0, mic.size - _WINDOW, _HOP):
        window = slice(begin, begin + _WINDOW)
        first, last = frame_at(begin), frame_at(begin + _WINDOW - 1)
        if not judged_from(sent[first]):
            previous = None
            continue
        if np.sqrt(np.mean(reference[window] ** 2)) < _QUIET_RMS:
            continue
        expected = float(np.mean([sent[i].expected_lag_ms for i in range(first, last + 1)]))
        lag, trust = wire_lag_ms(mic[window], reference[window])
        if trust < _MIN_TRUST:
            result.untrusted += 1
            continue
        # A device glitch, or the lag moving while the estimate holds: the true delay stepped.
        glitch = sent[last].glitches != sent[max(0, first - 50)].glitches
        moved = previous is not None and (
            abs((lag - previous[0]) - (expected - previous[1])) > _STEP_MS
        )
        previous = (lag, expected)
        if glitch or moved:
            result.steps += 1
            recovering_until = begin + int(_RECOVERY_S * RATE)
        if begin < recovering_until:
            result.recovering += 1
            continue
        result.errors.append(lag - expected)
    return result
