"""The echo reference pairing on a simulated echo path: alignment, drift and device changes."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from tests.fixtures.echo_path import SCENARIOS, EchoScenario
from tests.fixtures.stepped_duplex import FRAME, WIRE_RATE, DeviceTiming, SteppedDuplex
from voicelive_desktop.audio.echo_reference import EchoReferencePairing, PlaybackHistory


def speech_like(seconds: float, seed: int = 3) -> np.ndarray:
    """Noise shaped and gated like speech (syllables), band-limited to 8 kHz, peak ~0.5."""
    rng = np.random.default_rng(seed)
    n = int(seconds * WIRE_RATE)
    b, a = signal.butter(4, [150, 8000], btype="band", fs=WIRE_RATE)
    noise = signal.lfilter(b, a, rng.standard_normal(n))
    envelope = (np.sin(2 * np.pi * 3.1 * np.arange(n) / WIRE_RATE) > -0.2).astype(float)
    envelope = signal.lfilter([0.01], [1, -0.99], envelope)
    out = noise * envelope
    return (0.5 * out / np.max(np.abs(out))).astype(np.float32)


def wire_lag_ms(mic: np.ndarray, reference: np.ndarray) -> float:
    """How far the echo in `mic` lags `reference`, by cross-correlation (independent of the
    pairing's own estimator)."""
    a, b = np.diff(mic.astype(np.float64)), np.diff(reference.astype(np.float64))
    correlation = signal.correlate(a, b, mode="full", method="fft")
    lags = signal.correlation_lags(a.size, b.size, mode="full")
    return float(lags[int(np.argmax(correlation))]) * 1000 / WIRE_RATE


def run(
    duplex: SteppedDuplex, pairing: EchoReferencePairing, speaker: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    mics, references = [], []
    for mic, captured_at in duplex.frames(speaker):
        reference = pairing.reference_for(captured_at).copy()
        pairing.observe(mic, reference)
        mics.append(mic)
        references.append(reference)
    return np.concatenate(mics), np.concatenate(references)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_the_reference_lines_up_with_the_echo_within_a_millisecond(scenario: str) -> None:
    history = PlaybackHistory()
    pairing = EchoReferencePairing(history)
    duplex = SteppedDuplex(history, SCENARIOS[scenario], DeviceTiming(rate=48_000))
    mic, reference = run(duplex, pairing, speech_like(8))
    # The direct delay is latency PortAudio did not report: the estimator found it.
    assert pairing.residual_delay_s * 1000 == pytest.approx(
        SCENARIOS[scenario].direct_delay_ms, abs=1.0
    )
    # Mid-session it glides towards that delay; what is left is the pairing's estimate.
    last = slice(-WIRE_RATE, None)
    assert wire_lag_ms(mic[last], reference[last]) == pytest.approx(
        pairing.expected_lag_ms, abs=1.0
    )
    # The next session on these devices starts with the delay measured: aligned at once.
    history = PlaybackHistory()
    known = EchoReferencePairing(history, initial_residual_s=pairing.residual_delay_s)
    duplex = SteppedDuplex(history, SCENARIOS[scenario], DeviceTiming(rate=48_000))
    mic, reference = run(duplex, known, speech_like(4, seed=5))
    settled = slice(WIRE_RATE, 3 * WIRE_RATE)
    assert wire_lag_ms(mic[settled], reference[settled]) == pytest.approx(known.lead_ms, abs=1.0)


def test_a_latency_reported_too_high_is_corrected_at_the_first_measurement() -> None:
    # The devices claim 70 ms more than they have: the echo arrives 40 ms before the
    # reference, which no canceller can use. Gliding there at 0.5 ms/s would take minutes.
    history = PlaybackHistory()
    pairing = EchoReferencePairing(history)
    timing = DeviceTiming(rate=48_000, overstated_latency_s=0.070)
    duplex = SteppedDuplex(history, SCENARIOS["quiet_room"], timing)
    mic, reference = run(duplex, pairing, speech_like(8))
    assert pairing.residual_delay_s * 1000 == pytest.approx(30 - 70, abs=1.0)
    assert pairing.applied_delay_s == pytest.approx(pairing.residual_delay_s, abs=0.0005)
    for start in (4, 6):
        window = slice(start * WIRE_RATE, (start + 2) * WIRE_RATE)
        assert wire_lag_ms(mic[window], reference[window]) == pytest.approx(
            pairing.lead_ms, abs=1.0
        ), f"at {start} s"


def test_a_correction_that_leaves_the_echo_behind_glides() -> None:
    # The echo lags by 30 ms more than the lead: a canceller with a delay estimator (AEC3)
    # has converged on it, and a jump would lose it the echo for a second.
    history = PlaybackHistory()
    pairing = EchoReferencePairing(history)
    duplex = SteppedDuplex(history, SCENARIOS["quiet_room"], DeviceTiming(rate=48_000))
    run(duplex, pairing, speech_like(6))
    assert pairing.estimator.measurements >= 2
    assert pairing.resyncs == 1  # the first alignment only
    assert 0 < pairing.applied_delay_s < 0.005  # on its way, at 0.5 ms a second


def test_a_new_speaker_stream_is_taken_up_at_its_first_measurement() -> None:
    # The speaker's stream is replaced (a resume after a rest, a device change) and buffers
    # 20 ms more behind the same reported latency: the echo moved, so nothing is converged
    # on the old alignment and the first measurement is applied at once, not glided to.
    history = PlaybackHistory()
    pairing = EchoReferencePairing(history)
    duplex = SteppedDuplex(history, SCENARIOS["quiet_room"], DeviceTiming(rate=48_000))
    run(duplex, pairing, speech_like(6, seed=1))
    before = pairing.residual_delay_s
    duplex.change_device(DeviceTiming(rate=48_000, overstated_latency_s=-0.020))
    mic, reference = run(duplex, pairing, speech_like(6, seed=2))
    assert pairing.residual_delay_s == pytest.approx(before + 0.020, abs=0.001)
    assert pairing.applied_delay_s == pytest.approx(pairing.residual_delay_s, abs=0.0005)
    settled = slice(3 * WIRE_RATE, 5 * WIRE_RATE)
    assert wire_lag_ms(mic[settled], reference[settled]) == pytest.approx(pairing.lead_ms, abs=1.0)


def test_channel_one_is_silent_while_nothing_plays() -> None:
    history = PlaybackHistory()
    pairing = EchoReferencePairing(history)
    assert not pairing.reference_for(0.0).any()  # nothing recorded yet
    duplex = SteppedDuplex(history, SCENARIOS["quiet_room"], DeviceTiming())
    _, reference = run(duplex, pairing, np.zeros(WIRE_RATE, dtype=np.float32))
    assert not reference.any()


def test_it_follows_output_clock_drift() -> None:
    history = PlaybackHistory()
    # The room's delay is known from an earlier session; the drift is the clock's alone.
    pairing = EchoReferencePairing(history, initial_residual_s=0.030)
    # 300 ppm: the speaker gains 18 ms a minute on the mic.
    duplex = SteppedDuplex(history, SCENARIOS["quiet_room"], DeviceTiming(clock_ppm=300))
    mic, reference = run(duplex, pairing, speech_like(40))
    for start in (10, 25, 37):
        window = slice(start * WIRE_RATE, (start + 3) * WIRE_RATE)
        assert wire_lag_ms(mic[window], reference[window]) == pytest.approx(
            pairing.lead_ms, abs=1.0
        ), f"at {start} s"


def test_it_stays_aligned_after_the_output_device_changes() -> None:
    history = PlaybackHistory()
    pairing = EchoReferencePairing(history)
    scenario: EchoScenario = SCENARIOS["loud_speakers"]
    duplex = SteppedDuplex(history, scenario, DeviceTiming(rate=48_000))
    run(duplex, pairing, speech_like(6, seed=1))
    resyncs = pairing.resyncs
    # A USB headset at 44.1 kHz with a longer reported latency, same room.
    duplex.change_device(DeviceTiming(rate=44_100, reported_output_latency_s=0.085))
    mic, reference = run(duplex, pairing, speech_like(4, seed=2))
    assert pairing.resyncs == resyncs + 1
    # Re-aligning, the pairing took up the delay measured before the change at once.
    assert pairing.applied_delay_s == pytest.approx(scenario.direct_delay_ms / 1000, abs=0.001)
    settled = slice(FRAME * 10, FRAME * 10 + 2 * WIRE_RATE)  # from 200 ms after the change
    assert wire_lag_ms(mic[settled], reference[settled]) == pytest.approx(pairing.lead_ms, abs=1.0)
