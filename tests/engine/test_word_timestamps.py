"""Word timestamps end to end: the engine asks for them with Azure voices, the simulator
sends response.audio_timestamp.delta for its own espeak speech, the engine reports each word."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.engine.conftest import EventLog, WallClockPlayback
from tests.engine.simulator_engines import logged_engine
from voicelive_desktop.engine import (
    AssistantAudioReceived,
    AssistantInterrupted,
    AssistantTranscriptCompleted,
    AssistantWordTimed,
    ConnectionSettings,
    ResponseFinished,
    SessionEngine,
    SessionSettings,
    VoiceSettings,
    key_credential,
)
from voicelive_desktop.protocol import DEMO_API_KEY, SAMPLE_RATE_HZ
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.simulator.speech import SpeechSynthesizer

pytestmark = pytest.mark.asyncio


def letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


async def reply_with(simulator: VoiceLiveSimulator, voice: str) -> tuple[SessionEngine, EventLog]:
    engine, log = logged_engine(
        ConnectionSettings(endpoint=simulator.endpoint),
        SessionSettings(voice=VoiceSettings(name=voice)),
        playback=WallClockPlayback(),
    )
    await engine.start()
    await engine.send_text("Read this back")
    await log.wait_for(ResponseFinished, timeout=30)
    await engine.stop()
    return engine, log


async def test_each_spoken_word_is_timed_where_the_speech_has_it(
    simulator: VoiceLiveSimulator,
) -> None:
    if not SpeechSynthesizer().is_real_speech:
        pytest.skip("espeak-ng is not installed")
    engine, log = await reply_with(simulator, "en-US-Ava:DragonHDLatestNeural")
    update = simulator.received_of("session.update")[0]["session"]
    assert update["output_audio_timestamp_types"] == ["word"]
    words = log.of(AssistantWordTimed)
    reply = log.of(AssistantTranscriptCompleted)[0].text
    # espeak's words, in order, spell out the reply (it splits "VoiceLive" in two).
    assert letters("".join(w.text for w in words)) == letters(reply)
    offsets = [w.audio_offset_ms for w in words]
    assert offsets == sorted(offsets) and offsets[0] < 100
    pcm = b"".join(e.pcm16 for e in log.of(AssistantAudioReceived))
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
    audio_ms = len(samples) * 1000 // SAMPLE_RATE_HZ
    assert words[-1].audio_offset_ms + words[-1].audio_duration_ms <= audio_ms
    for word in words:
        start = word.audio_offset_ms * SAMPLE_RATE_HZ // 1000
        end = start + max(word.audio_duration_ms, 50) * SAMPLE_RATE_HZ // 1000
        loudest = float(np.abs(samples[start:end]).max())
        assert loudest > 1000, f"{word.text!r} at {word.audio_offset_ms} ms is silent"
    # After the last word ends, only the trailing silence espeak adds is left.
    tail = samples[(words[-1].audio_offset_ms + words[-1].audio_duration_ms) * 24 :]
    assert tail.size == 0 or float(np.abs(tail).max()) < 1000
    assert simulator.sent_of("response.audio_timestamp.done")
    stats = engine.hostile_input
    assert (stats.untyped, stats.unknown_types, stats.out_of_order) == (0, 0, 0)


async def test_openai_voices_ask_for_no_timestamps_and_get_none(
    simulator: VoiceLiveSimulator,
) -> None:
    _, log = await reply_with(simulator, "alloy")
    update = simulator.received_of("session.update")[0]["session"]
    assert "output_audio_timestamp_types" not in update
    assert log.of(AssistantWordTimed) == []
    assert not simulator.sent_of("response.audio_timestamp.delta")


async def test_no_word_is_reported_after_a_barge_in(simulator: VoiceLiveSimulator) -> None:
    engine = SessionEngine(
        ConnectionSettings(endpoint=simulator.endpoint),
        key_credential(DEMO_API_KEY),
        SessionSettings(),
        playback=WallClockPlayback(),
    )
    log = EventLog()
    engine.subscribe(log)
    await engine.start()
    await engine.send_text("Tell me something long enough to interrupt")
    await log.wait_for(AssistantWordTimed, lambda w: w.audio_offset_ms > 600, timeout=20)
    await engine.interrupt()
    cut = await log.wait_for(AssistantInterrupted)
    await log.wait_for(ResponseFinished, timeout=10)
    await engine.stop()
    after = log.events[log.events.index(cut) :]
    assert not [e for e in after if isinstance(e, AssistantWordTimed)]
    assert cut.played_ms > 0
