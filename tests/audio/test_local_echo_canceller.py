"""The on-computer canceller (WebRTC AEC3) on the simulated echo path, fed by the pairing."""

from __future__ import annotations

import numpy as np
import pytest

from tests.audio.test_echo_reference import speech_like
from tests.fixtures.echo_path import SCENARIOS, espeak_speech
from tests.fixtures.stepped_duplex import WIRE_RATE, DeviceTiming, SteppedDuplex
from voicelive_desktop.audio.echo_reference import EchoReferencePairing, PlaybackHistory
from voicelive_desktop.audio.local_echo_canceller import LocalEchoCanceller
from voicelive_desktop.audio.mic_echo_stage import ClientReferenceStage, LocalCancellerStage

ANSWER = (
    "Here is the weather for the next few days. Tomorrow will be sunny with a light breeze, "
    "and the day after brings clouds and perhaps some rain in the evening."
)


@pytest.mark.parametrize("scenario", ["loud_speakers", "drifting_latency"])
def test_it_removes_at_least_25_db_of_echo_and_keeps_the_user(scenario: str) -> None:
    history = PlaybackHistory()
    stage = LocalCancellerStage(EchoReferencePairing(history), LocalEchoCanceller())
    duplex = SteppedDuplex(history, SCENARIOS[scenario], DeviceTiming(rate=48_000))
    assistant = espeak_speech(ANSWER)[: 8 * WIRE_RATE]
    user = np.zeros_like(assistant)
    interjection = espeak_speech("Wait, stop please", voice="en-us")[:WIRE_RATE]
    user[6 * WIRE_RATE : 6 * WIRE_RATE + interjection.size] = interjection  # talks over it
    sent: list[np.ndarray] = []
    for mic, captured_at in duplex.frames(assistant, user):
        payload, _ = stage.process(mic, captured_at)
        sent.append(np.frombuffer(payload, dtype="<i2").astype(np.float64))
    out = np.concatenate(sent)
    echo_only = slice(4 * WIRE_RATE, 6 * WIRE_RATE)
    assert stage.canceller.erle_db is not None and stage.canceller.erle_db >= 25
    # Double talk: the user's voice still goes out, a little quieter (AEC3 holds back some
    # of it while the echo is loud too), so the service's VAD still hears the interruption.
    talk = slice(6 * WIRE_RATE, 6 * WIRE_RATE + interjection.size)
    user_rms = np.sqrt(np.mean((user[talk] * 32768.0) ** 2))
    out_rms = np.sqrt(np.mean(out[talk] ** 2))
    assert out_rms > user_rms * 10 ** (-10 / 20)
    residual = np.sqrt(np.mean(out[echo_only] ** 2))
    assert residual < user_rms * 10 ** (-20 / 20)


def test_the_stereo_frame_is_mic_then_reference() -> None:
    history = PlaybackHistory()
    stage = ClientReferenceStage(EchoReferencePairing(history))
    duplex = SteppedDuplex(history, SCENARIOS["loud_speakers"], DeviceTiming())
    speaker = speech_like(1)
    for index, (mic, captured_at) in enumerate(duplex.frames(speaker)):
        payload, heard = stage.process(mic, captured_at)
        if index == 25:  # half a second in, with the speaker well under way
            break
    stereo = np.frombuffer(payload, dtype="<i2").reshape(-1, 2)
    assert stereo.shape == (480, 2)
    np.testing.assert_array_equal(stereo[:, 0], np.round(mic).astype(np.int16))
    # Channel 1: what was playing, the pairing's lead ahead (nothing measured yet, and the
    # device at 24 kHz: sample for sample).
    lead = round(stage.pairing.lead_ms * WIRE_RATE / 1000)
    playing = speaker[25 * 480 + lead : 26 * 480 + lead] * 32768.0
    np.testing.assert_allclose(stereo[:, 1], playing, atol=1.0)
    assert heard is mic  # no local estimate given: the meter shows the mic


def test_the_meters_estimate_rests_once_the_echo_has_died_away_and_wakes_with_playback() -> None:
    history = PlaybackHistory()
    canceller = LocalEchoCanceller()
    calls = 0
    real_process = canceller.process

    def counted(mic: np.ndarray, reference: np.ndarray) -> np.ndarray:
        nonlocal calls
        calls += 1
        return real_process(mic, reference)

    canceller.process = counted  # type: ignore[method-assign]
    stage = ClientReferenceStage(EchoReferencePairing(history), canceller)
    duplex = SteppedDuplex(history, SCENARIOS["loud_speakers"], DeviceTiming())
    speaker = np.concatenate([np.zeros(2 * WIRE_RATE), speech_like(1)])
    heard_during_silence: list[bool] = []
    for index, (mic, captured_at) in enumerate(duplex.frames(speaker)):
        _, heard = stage.process(mic, captured_at)
        if index < 50:  # the first second: nothing has ever played
            heard_during_silence.append(heard is mic)
        if index == 140:  # well into the speech
            break
    assert all(heard_during_silence)  # resting: the meter shows the mic as it is
    # Woke when the speaker started at frame 100 (2 s), within a frame or two, and ran on.
    assert 38 <= calls <= 42


def test_the_meters_estimate_rests_while_the_mic_hears_next_to_nothing() -> None:
    """A headset: the speaker plays, the mic hears no echo. The estimate rests after ten quiet
    frames and wakes with the first frame the user speaks."""
    history = PlaybackHistory()
    canceller = LocalEchoCanceller()
    estimated: list[int] = []
    real_process = canceller.process
    index = 0

    def counted(mic: np.ndarray, reference: np.ndarray) -> np.ndarray:
        estimated.append(index)
        return real_process(mic, reference)

    canceller.process = counted  # type: ignore[method-assign]
    stage = ClientReferenceStage(EchoReferencePairing(history), canceller)
    duplex = SteppedDuplex(history, SCENARIOS["loud_speakers"], DeviceTiming())
    speaker = speech_like(3)
    user = np.zeros_like(speaker)
    user[2 * WIRE_RATE :] = speech_like(1, seed=7)[: user.size - 2 * WIRE_RATE]
    noise = np.random.default_rng(3).standard_normal(480) * 10  # -70 dBFS of mic noise
    for index, (_, captured_at) in enumerate(duplex.frames(speaker)):
        mic = noise + user[index * 480 : (index + 1) * 480] * 32768.0
        stage.process(mic.astype(np.float32), captured_at)
        if index == 120:
            break
    assert estimated[:10] == list(range(10))  # ten quiet frames in a row, then rest
    assert 10 not in estimated and 99 not in estimated
    assert estimated[10] == 100  # the user speaks at 2 s: at once
