"""Voice turns end to end: virtual mic -> VoiceSession -> simulator -> virtual speaker."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from azure.core.credentials import AzureKeyCredential

from tests.audio.speech_match import best_correlation, resample_to
from tests.fixtures.virtual_audio import RATE_HZ, VirtualAudio
from tests.waiting import wait_until
from voicelive_desktop import protocol
from voicelive_desktop.audio.levels import LEVEL_FLOOR_DBFS
from voicelive_desktop.audio.portaudio import reinitialise
from voicelive_desktop.engine.events import (
    AssistantAudioReceived,
    AssistantInterrupted,
    AudioLevelMeasured,
    EngineEvent,
    ErrorKind,
    ResponseFinished,
    SessionErrorReported,
    SessionState,
    UserSpeechStarted,
)
from voicelive_desktop.engine.session_settings import ConnectionSettings, SessionSettings
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.voice_session import VoiceSession

pytestmark = [pytest.mark.audio, pytest.mark.asyncio, pytest.mark.timeout(90)]


def _session(simulator: VoiceLiveSimulator, events: list[EngineEvent]) -> VoiceSession:
    session = VoiceSession(
        ConnectionSettings(endpoint=simulator.endpoint),
        AzureKeyCredential(protocol.DEMO_API_KEY),
        SessionSettings(),
    )
    session.subscribe(events.append)
    return session


def _assistant_audio(events: list[EngineEvent], item_id: str | None = None) -> np.ndarray:
    pcm = b"".join(
        event.pcm16
        for event in events
        if isinstance(event, AssistantAudioReceived) and item_id in (None, event.item_id)
    )
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def _of(events: list[EngineEvent], kind: type) -> list[EngineEvent]:
    return [event for event in events if isinstance(event, kind)]


async def test_a_spoken_turn_is_heard_and_answered_aloud(
    virtual_audio: VirtualAudio, simulator: VoiceLiveSimulator
) -> None:
    wav = virtual_audio.speech_wav("What is the weather like in Paris today?", "turn.wav")
    events: list[EngineEvent] = []
    session = _session(simulator, events)
    await session.start()
    try:
        with virtual_audio.record_speaker() as recording:
            await asyncio.to_thread(virtual_audio.play_into_mic, wav)
            await wait_until(lambda: bool(_of(events, UserSpeechStarted)), 10)
            await wait_until(lambda: bool(_of(events, ResponseFinished)), 30)
            await wait_until(lambda: not session.playback.is_playing(), 30)
            await asyncio.sleep(0.3)
    finally:
        await session.stop()

    assert simulator.received_of("input_audio_buffer.append"), "mic frames reached the server"
    assert simulator.sent_of("input_audio_buffer.speech_started")
    assert not _of(events, SessionErrorReported)
    reply = _assistant_audio(events)
    assert reply.size > protocol.SAMPLE_RATE_HZ, "the simulator answered with speech"
    heard = best_correlation(
        recording.samples, resample_to(reply, protocol.SAMPLE_RATE_HZ, RATE_HZ)
    )
    assert heard > 0.9, f"the reply on the speaker matches what the server sent ({heard:.3f})"
    print(f"voice turn: {session.playback.underruns} underruns, correlation {heard:.3f}")
    sources = {event.source for event in _of(events, AudioLevelMeasured)}  # type: ignore[attr-defined]
    assert sources == {"input", "output"}


async def test_speaking_over_the_assistant_silences_it_at_once(
    virtual_audio: VirtualAudio, simulator: VoiceLiveSimulator
) -> None:
    question = virtual_audio.speech_wav("Tell me a long story about the sea.", "question.wav")
    cut_in = virtual_audio.speech_wav("Stop, stop. Thank you.", "cut_in.wav")
    events: list[EngineEvent] = []
    session = _session(simulator, events)
    await session.start()
    try:
        with virtual_audio.record_speaker() as recording:
            await asyncio.to_thread(virtual_audio.play_into_mic, question)
            await wait_until(lambda: bool(_of(events, AssistantAudioReceived)), 20)
            item_id = _of(events, AssistantAudioReceived)[0].item_id  # type: ignore[attr-defined]
            await wait_until(lambda: session.playback.played_ms(item_id) > 1_000, 10)
            speaking = virtual_audio.start_playing_into_mic(cut_in)
            await wait_until(lambda: bool(_of(events, AssistantInterrupted)), 10)
            # Stop recording while the user still talks: the answer to the cut-in comes later.
            await asyncio.sleep(0.3)
            latency_ms = session.playback.latency_ms
    finally:
        await session.stop()
    await asyncio.to_thread(speaking.wait)

    interrupted = _of(events, AssistantInterrupted)[0]
    played_ms = interrupted.played_ms  # type: ignore[attr-defined]
    reply = resample_to(_assistant_audio(events, item_id), protocol.SAMPLE_RATE_HZ, RATE_HZ)
    finished = _of(events, ResponseFinished)
    assert finished and finished[0].status == "cancelled"  # type: ignore[attr-defined]
    # Where the reply starts on the speaker, then where the speaker went silent after it.
    head = reply[: RATE_HZ // 2]
    scores = np.correlate(recording.samples, head, mode="valid")
    start = int(np.argmax(np.abs(scores)))
    audible = np.flatnonzero(np.abs(recording.samples[start:]) > 1e-3)
    heard_ms = (audible[-1] + 1) * 1000 / RATE_HZ
    after_speech_started_ms = heard_ms - played_ms
    print(
        f"barge-in: speaker silent {after_speech_started_ms:.0f} ms after speech_started "
        f"(device latency {latency_ms:.0f} ms)"
    )
    assert after_speech_started_ms <= 20 + latency_ms
    assert simulator.received_of("response.cancel") or simulator.received_of(
        "conversation.item.truncate"
    )


@pytest.mark.allow_log_warnings(r"audio\.supervisor: audio device lost")
async def test_a_vanished_sound_server_is_a_clear_error_and_the_session_goes_on(
    virtual_audio: VirtualAudio, simulator: VoiceLiveSimulator
) -> None:
    events: list[EngineEvent] = []
    session = _session(simulator, events)
    await session.start()
    try:
        # Levels flowing (silence comes every 120 ms), well before the idle speaker pauses.
        await wait_until(lambda: len(_of(events, AudioLevelMeasured)) > 3, 10)
        await asyncio.to_thread(virtual_audio.stop)
        await wait_until(lambda: len(_of(events, SessionErrorReported)) == 2, 10)
        errors = _of(events, SessionErrorReported)
        assert {error.kind for error in errors} == {ErrorKind.AUDIO_DEVICE}  # type: ignore[attr-defined]
        assert not any(error.fatal for error in errors)  # type: ignore[attr-defined]
        messages = sorted(error.message for error in errors)  # type: ignore[attr-defined]
        assert messages[0].startswith("The microphone 'default' stopped working.")
        assert messages[1].startswith("The speaker 'default' stopped working.")
        assert session.state is SessionState.READY

        await asyncio.to_thread(virtual_audio.start)
        events.clear()
        await wait_until(
            lambda: any(
                level.source == "input"  # type: ignore[attr-defined]
                for level in _of(events, AudioLevelMeasured)
            ),
            15,
        )
        await session.send_text("Are you still there?")
        await wait_until(lambda: bool(_of(events, AssistantAudioReceived)), 10)
        await wait_until(
            lambda: (
                session.playback.played_ms(
                    _of(events, AssistantAudioReceived)[0].item_id  # type: ignore[attr-defined]
                )
                > 200
            ),
            10,
        )
    finally:
        await session.stop()
        reinitialise()  # later tests start from a device list made with the server up


async def test_half_duplex_keeps_the_mic_shut_while_the_assistant_speaks(
    virtual_audio: VirtualAudio, simulator: VoiceLiveSimulator
) -> None:
    speech = virtual_audio.speech_wav("Can you hear me now?", "half_duplex.wav")
    events: list[EngineEvent] = []
    session = _session(simulator, events)
    session.half_duplex = True
    await session.start()
    try:
        await session.send_text("Tell me about the demo.")
        await wait_until(lambda: bool(_of(events, AssistantAudioReceived)), 10)
        item_id = _of(events, AssistantAudioReceived)[0].item_id  # type: ignore[attr-defined]
        await wait_until(lambda: session.playback.played_ms(item_id) > 300, 10)
        first_level = len(events)
        await asyncio.to_thread(virtual_audio.play_into_mic, speech)
        assert session.playback.is_playing(), "the assistant must still be talking"
        during = [
            event
            for event in events[first_level:]
            if isinstance(event, AudioLevelMeasured) and event.source == "input"
        ]
    finally:
        await session.stop()
    assert len(during) > 25  # the ~1.4 s question arrives in 40 ms frames
    assert all(level.rms_dbfs == LEVEL_FLOOR_DBFS for level in during)
    assert not _of(events, UserSpeechStarted)
    assert not _of(events, AssistantInterrupted)
    assert not simulator.sent_of("input_audio_buffer.speech_started")


async def test_the_end_of_a_session_logs_its_glitch_counters(
    virtual_audio: VirtualAudio, simulator: VoiceLiveSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    events: list[EngineEvent] = []
    session = _session(simulator, events)
    await session.start()
    await session.send_text("count this")
    await wait_until(lambda: bool(_of(events, ResponseFinished)), what="the answer")
    with caplog.at_level("INFO", logger="voicelive_desktop.voice_session"):
        await session.stop()
    (line,) = [r.getMessage() for r in caplog.records if "session ended:" in r.getMessage()]
    served = int(line.split("server events ")[1].split(" ")[0])
    assert served == session.engine.hostile_input.events > 0
    assert "speaker underruns" in line and "mic overflows" in line
