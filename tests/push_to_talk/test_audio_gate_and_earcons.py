"""On the virtual sound system (offscreen): with push-to-talk the mic is sent only while the
button is held, and the start/stop earcons reach the speaker."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.fixtures.virtual_audio import RATE_HZ, VirtualAudio
from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.events import ResponseFinished
from voicelive_desktop.engine.session_settings import ConnectionSettings
from voicelive_desktop.settings import AppSettings, PushToTalkSettings
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.sessions import voice_session_factory
from voicelive_desktop.voice_session import VoiceSession

pytestmark = [pytest.mark.audio, pytest.mark.asyncio]


def tone_strength(samples: np.ndarray, frequency: float) -> float:
    """How much of the samples' energy sits within 40 Hz of `frequency`."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size))) ** 2
    freqs = np.fft.rfftfreq(samples.size, 1 / RATE_HZ)
    band = np.abs(freqs - frequency) < 40
    return float(spectrum[band].sum() / (spectrum.sum() + 1e-12))


def notes_from(samples: np.ndarray, start: int) -> tuple[float, float]:
    """Strength of 660 Hz in the 40 ms from `start` and of 880 Hz in the 40 ms after them."""
    note = RATE_HZ * 40 // 1000
    first = samples[start : start + note]
    second = samples[start + note + RATE_HZ * 5 // 1000 : start + 2 * note + RATE_HZ * 5 // 1000]
    return tone_strength(first, 660), tone_strength(second, 880)


def first_loud(samples: np.ndarray, after: int = 0) -> int:
    loud = np.flatnonzero(np.abs(samples[after:]) > 0.02)
    assert loud.size, "nothing was heard"
    return after + int(loud[0])


async def test_mic_gated_to_the_held_button_and_earcons_heard(
    qtbot: QtBot, isolated_env: Path, virtual_audio: VirtualAudio, simulator: VoiceLiveSimulator
) -> None:
    app = AppUnderTest(qtbot, isolated_env, voice_session_factory())
    settings = dataclasses.replace(
        AppSettings(),
        connection=ConnectionSettings(endpoint=simulator.endpoint),
        push_to_talk=PushToTalkSettings(enabled=True, global_hotkey="", earcons=True),
    )
    app.controller.apply_preferences(settings, "")
    app.controller.credentials.use_for_this_run(simulator.endpoint, "demo")
    assert await app.controller.connect_configured()
    session = app.controller.adapter.session
    assert isinstance(session, VoiceSession)
    wav = virtual_audio.speech_wav("Tell me a joke about computers, please.")

    # Speech before the button is pressed never leaves the machine.
    await asyncio.to_thread(virtual_audio.play_into_mic, wav)
    assert simulator.received_of("input_audio_buffer.append") == []

    button = app.window.push_to_talk_button
    with virtual_audio.record_speaker() as recording:
        qtbot.mousePress(button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: bool(simulator.received_of("input_audio_buffer.clear")))
        await asyncio.to_thread(virtual_audio.play_into_mic, wav)
        qtbot.mouseRelease(button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: bool(simulator.received_of("response.create")), what="commit")
        await asyncio.sleep(0.3)
    appended = simulator.received_of("input_audio_buffer.append")
    kinds = [e.type for e in simulator.received_events if e.type != "session.update"]
    assert kinds[0] == "input_audio_buffer.clear"
    assert kinds.index("input_audio_buffer.commit") == len(appended) + 1
    sent_ms = sum(len(a["audio"]) * 3 // 4 for a in appended) // 48
    assert 1500 <= sent_ms <= 6000  # the spoken sentence, not the idle mic before it
    await wait_until(lambda: app.count(ResponseFinished) == 1, 30, "the response")
    # The first sound is the start earcon (660 then 880 Hz); the next, at the release, is
    # the stop earcon (880 then 660 Hz), ahead of the answer.
    samples = recording.samples
    start = first_loud(samples)
    low, high = notes_from(samples, start)
    assert low > 0.5 and high > 0.5, (low, high)
    stop = first_loud(samples, start + RATE_HZ // 5)
    high_first = tone_strength(samples[stop : stop + RATE_HZ * 40 // 1000], 880)
    assert high_first > 0.5, high_first
    await app.controller.shutdown()


async def test_hands_free_mic_is_open_while_listening_and_unmuted(
    qtbot: QtBot, isolated_env: Path, virtual_audio: VirtualAudio, simulator: VoiceLiveSimulator
) -> None:
    app = AppUnderTest(qtbot, isolated_env, voice_session_factory())
    binding = app.controller.push_to_talk
    changes: list[bool] = []
    binding.mic_open_changed.connect(changes.append)
    app.controller.settings = dataclasses.replace(
        AppSettings(), connection=ConnectionSettings(endpoint=simulator.endpoint)
    )
    app.controller.credentials.use_for_this_run(simulator.endpoint, "demo")
    assert await app.controller.connect_configured()
    await wait_until(lambda: binding.mic_open, what="listening hands-free")
    app.window.mute_button.click()
    assert not binding.mic_open
    app.window.mute_button.click()
    assert binding.mic_open
    await app.controller.shutdown()
    assert not binding.mic_open
    assert changes == [True, False, True, False]
