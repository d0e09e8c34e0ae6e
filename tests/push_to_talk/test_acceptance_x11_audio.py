"""Acceptance, under Xvfb with the virtual sound system: the global hotkey held while espeak
speaks into the mic makes exactly one user turn and one response, and pressing it while the
assistant speaks silences the speaker at once (measured on the speaker monitor recording)."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from tests.audio.speech_match import loud_span_ms, resample_to
from tests.fixtures.virtual_audio import RATE_HZ, VirtualAudio
from tests.push_to_talk.x11 import xdotool
from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.events import (
    AssistantAudioReceived,
    AssistantInterrupted,
    EngineEvent,
    ResponseFinished,
    UserTranscriptCompleted,
)
from voicelive_desktop.engine.session_settings import ConnectionSettings
from voicelive_desktop.protocol import SAMPLE_RATE_HZ
from voicelive_desktop.settings import AppSettings, PushToTalkSettings
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.sessions import voice_session_factory
from voicelive_desktop.voice_session import VoiceSession

pytestmark = [pytest.mark.x11, pytest.mark.audio, pytest.mark.asyncio]

HOTKEY = "ctrl+alt+space"
LOUD = 0.01  # RMS of a 1 ms window that counts as sound


def turn_events(sim: VoiceLiveSimulator) -> list[str]:
    """Client events after set-up, each run of audio appends shown as one 'append'."""
    kinds: list[str] = []
    for event in sim.received_events:
        kind = "append" if event.type == "input_audio_buffer.append" else event.type
        if kind != "session.update" and not (kind == "append" and kinds[-1:] == ["append"]):
            kinds.append(kind)
    return kinds


def loud_ms(samples: np.ndarray, rate: int, start_ms: float, length_ms: float) -> float:
    """The fraction of 1 ms windows in [start, start+length) that are loud."""
    window = rate // 1000
    piece = samples[int(start_ms * window) : int((start_ms + length_ms) * window)]
    count = piece.size // window
    if count == 0:
        return 0.0
    rms = np.sqrt(np.mean(piece[: count * window].reshape(count, window) ** 2, axis=1))
    return float(np.mean(rms > LOUD))


async def test_global_hotkey_turn_with_real_speech_and_instant_barge_in(
    qtbot: QtBot, isolated_env: Path, virtual_audio: VirtualAudio, simulator: VoiceLiveSimulator
) -> None:
    app = AppUnderTest(qtbot, isolated_env, voice_session_factory())
    interrupted_at: list[float] = []

    def note_interruption(event: EngineEvent) -> None:
        if isinstance(event, AssistantInterrupted):
            interrupted_at.append(time.monotonic())

    app.controller.adapter.event_received.connect(note_interruption)
    settings = dataclasses.replace(
        AppSettings(),
        connection=ConnectionSettings(endpoint=simulator.endpoint),
        # No earcons: the speaker recording must carry the assistant alone.
        push_to_talk=PushToTalkSettings(enabled=True, earcons=False),
    )
    app.controller.apply_preferences(settings, "")
    app.controller.credentials.use_for_this_run(simulator.endpoint, "demo")
    assert await app.controller.connect_configured()
    session = app.controller.adapter.session
    assert isinstance(session, VoiceSession)
    binding = app.controller.push_to_talk
    assert binding.hotkey is not None, binding.hotkey_problem
    opened_at: list[float] = []
    binding.mic_open_changed.connect(lambda is_open: is_open and opened_at.append(time.monotonic()))
    other = QLineEdit()  # "another app" has the keyboard focus
    qtbot.addWidget(other)
    other.show()
    await xdotool("windowfocus", "--sync", str(int(other.winId())))
    await wait_until(lambda: QApplication.activeWindow() is other, what="other window active")

    # The mic is open at the device, but nothing is sent before the key goes down.
    await asyncio.sleep(1.0)
    assert session.capture.is_open
    assert simulator.received_of("input_audio_buffer.append") == []

    # 1. Hold the hotkey while espeak speaks into the virtual mic.
    wav = virtual_audio.speech_wav("What is the weather like in Seattle today?")
    await xdotool("keydown", HOTKEY)
    await wait_until(lambda: len(simulator.received_of("input_audio_buffer.clear")) == 1)
    player = virtual_audio.start_playing_into_mic(wav)
    await wait_until(lambda: player.poll() is not None, 30, "speech played")
    await asyncio.sleep(0.3)
    assert "input_audio_buffer.commit" not in turn_events(simulator)
    await xdotool("keyup", HOTKEY)
    await wait_until(lambda: app.count(ResponseFinished) == 1, 30, "the response")
    assert turn_events(simulator) == [
        "input_audio_buffer.clear",
        "append",
        "input_audio_buffer.commit",
        "response.create",
    ]
    assert len(simulator.sent_of("input_audio_buffer.committed")) == 1
    assert simulator.sent_of("input_audio_buffer.speech_started") == []  # no VAD turn
    assert len(simulator.sent_of("response.created")) == 1
    heard = [e.text for e in app.events if isinstance(e, UserTranscriptCompleted)]
    assert len(heard) == 1 and heard[0].startswith("[speech,")
    await wait_until(lambda: not session.playback.is_playing(), 30, "the answer played")

    # 2. Press the hotkey while the assistant speaks: playback stops at once.
    first_audio = sum(isinstance(e, AssistantAudioReceived) for e in app.events)
    app.controller.adapter.send_text("Please read me something long. " * 4)

    def reply() -> tuple[str, np.ndarray]:
        chunks = [e for e in app.events[:] if isinstance(e, AssistantAudioReceived)]
        chunks = chunks[first_audio:]
        if not chunks:
            return "", np.zeros(0, np.float32)
        item = chunks[0].item_id
        pcm = b"".join(c.pcm16 for c in chunks if c.item_id == item)
        return item, np.frombuffer(pcm, "<i2").astype(np.float32) / 32768.0

    with virtual_audio.record_speaker() as recording:
        await wait_until(lambda: reply()[0] != "", 15, "assistant audio")
        item = reply()[0]
        # Press where the next 100 ms of the reply are speech, so silence can only be the cut.
        deadline = time.monotonic() + 20
        while True:
            played = session.playback.played_ms(item)
            if played >= 1200 and loud_ms(reply()[1], SAMPLE_RATE_HZ, played + 20, 100) > 0.95:
                break
            assert time.monotonic() < deadline, "no stretch of continuous speech to cut into"
            await asyncio.sleep(0.005)
        opened_at.clear()
        before_key = time.monotonic()
        await xdotool("keydown", HOTKEY)
        after_key = time.monotonic()
        await wait_until(lambda: bool(interrupted_at), 5, "barge-in")
        await asyncio.sleep(0.6)
    await xdotool("keyup", HOTKEY)
    latency_ms = session.playback.latency_ms
    interruption = next(e for e in app.events if isinstance(e, AssistantInterrupted))
    assert interruption.item_id == item

    reference = resample_to(reply()[1], SAMPLE_RATE_HZ, RATE_HZ)
    # Where the reply starts in the recording: the first loud millisecond of each.
    recorded_start, recorded_end = loud_span_ms(recording.samples, RATE_HZ, LOUD)
    reference_start, _ = loud_span_ms(reference, RATE_HZ, LOUD)
    heard_ms = recorded_end - recorded_start + reference_start
    after_flush_ms = heard_ms - interruption.played_ms
    xdotool_ms = (after_key - before_key) * 1000
    hotkey_to_flush_ms = (interrupted_at[0] - opened_at[0]) * 1000
    spawn_to_flush_ms = (interrupted_at[0] - before_key) * 1000
    print(
        f"barge-in: speaker silent {after_flush_ms:.1f} ms after the flush (device latency "
        f"{latency_ms:.0f} ms); hotkey seen by the app -> flush {hotkey_to_flush_ms:.1f} ms; "
        f"xdotool started -> flush {spawn_to_flush_ms:.1f} ms (xdotool ran {xdotool_ms:.1f} ms)"
    )
    assert loud_ms(reply()[1], SAMPLE_RATE_HZ, interruption.played_ms, 30) > 0.9, (
        "the reply was speech where it was cut, so the silence is the barge-in's doing"
    )
    assert -10 <= after_flush_ms <= 20 + latency_ms
    tail = recording.samples[int(recorded_end * RATE_HZ / 1000) + RATE_HZ // 100 :]
    assert tail.size > RATE_HZ // 4 and np.max(np.abs(tail)) < 1e-3, "silent after the cut"
    cancels = simulator.received_of("response.cancel")
    assert len(cancels) == 1
    await app.controller.shutdown()
    # The key-up's turn may still be being answered (espeak running). Stop the simulator
    # here: its session's tasks must end on this running loop, not in the Qt events pytest-qt
    # processes after the call, where they meet "no running event loop".
    await simulator.stop()
