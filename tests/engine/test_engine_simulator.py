"""SessionEngine against the Voice Live simulator: real websocket, real SDK, real speech."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from azure.core.credentials import AccessToken
from azure.core.credentials_async import AsyncTokenCredential

from tests.engine.conftest import EventLog, WallClockPlayback
from tests.engine.simulator_engines import assert_every_event_was_typed, back_to_ready, engine_for
from tests.engine.speech_audio import espeak_pcm16, speak_into
from tests.waiting import wait_until
from voicelive_desktop.engine import (
    AssistantAudioReceived,
    AssistantInterrupted,
    AssistantTranscriptCompleted,
    ConnectionSettings,
    CredentialsRejected,
    ErrorKind,
    ReconnectScheduled,
    ResourceNotFound,
    ResponseFinished,
    SessionConfigured,
    SessionEngine,
    SessionErrorReported,
    SessionNotReady,
    SessionSettings,
    SessionState,
    SessionStateChanged,
    TurnDetectionMode,
    TurnDetectionSettings,
    TurnLatencyMeasured,
    UserSpeechStarted,
    UserSpeechStopped,
    UserTranscriptCompleted,
    VoiceSettings,
)
from voicelive_desktop.engine.backoff import ReconnectBackoff
from voicelive_desktop.engine.session_settings import EchoCancellationMode
from voicelive_desktop.simulator import Hostile, VoiceLiveSimulator

pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
def spoken_sentence(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return espeak_pcm16(
        "Hello assistant, what is the weather like today?", tmp_path_factory.mktemp("speech")
    )


@pytest_asyncio.fixture
async def live(
    simulator: VoiceLiveSimulator,
) -> AsyncIterator[tuple[SessionEngine, EventLog, WallClockPlayback]]:
    engine, log, playback = engine_for(simulator)
    await engine.start()
    yield engine, log, playback
    await engine.stop()


async def test_text_turn(live: tuple[SessionEngine, EventLog, WallClockPlayback]) -> None:
    engine, log, playback = live
    configured = log.of(SessionConfigured)[0]
    assert configured.voice == "en-US-Ava:DragonHDLatestNeural"
    await engine.send_text("What time is it?")
    final = await log.wait_for(AssistantTranscriptCompleted)
    assert "You typed: What time is it?" in final.text
    done = await log.wait_for(ResponseFinished)
    assert done.status == "completed"
    assert sum(playback.queued_ms.values()) > 500  # real speech came back
    assert log.of(TurnLatencyMeasured)[0].latency_ms > 0
    assert engine.state is SessionState.READY
    assert_every_event_was_typed(engine)


async def test_audio_turn_with_real_speech(
    live: tuple[SessionEngine, EventLog, WallClockPlayback],
    simulator: VoiceLiveSimulator,
    spoken_sentence: bytes,
) -> None:
    engine, log, _ = live
    await speak_into(engine.submit_input_audio, spoken_sentence, silence_ms=1000)
    started = await log.wait_for(UserSpeechStarted)
    stopped = await log.wait_for(UserSpeechStopped)
    assert stopped.audio_end_ms > started.audio_start_ms + 1000
    heard = await log.wait_for(UserTranscriptCompleted)
    assert heard.text.startswith("[speech,")
    await log.wait_for(AssistantAudioReceived)
    done = await log.wait_for(ResponseFinished, timeout=20)
    assert done.status == "completed"
    assert "seconds of speech" in log.of(AssistantTranscriptCompleted)[0].text
    # Latency is measured from the end of speech to the first assistant audio.
    assert len(log.of(TurnLatencyMeasured)) == 1
    assert_every_event_was_typed(engine)
    appended = simulator.received_of("input_audio_buffer.append")
    assert 0 < len(appended) <= len(spoken_sentence) // 960 + 50


async def test_settings_applied_live(
    live: tuple[SessionEngine, EventLog, WallClockPlayback], simulator: VoiceLiveSimulator
) -> None:
    engine, log, _ = live
    await engine.apply_settings(
        SessionSettings(
            instructions="Answer in French.",
            voice=VoiceSettings(name="alloy"),
            temperature=0.7,
            max_response_output_tokens=123,
            turn_detection=TurnDetectionSettings(
                mode=TurnDetectionMode.AZURE_SEMANTIC_VAD, threshold=0.3, silence_duration_ms=700
            ),
            echo_cancellation=EchoCancellationMode.OFF,
        )
    )
    applied = simulator.session_config
    assert applied is not None
    assert applied["instructions"] == "Answer in French."
    assert applied["voice"]["name"] == "alloy"
    assert applied["temperature"] == 0.7
    assert applied["max_response_output_tokens"] == 123
    assert applied["turn_detection"]["type"] == "azure_semantic_vad"
    assert applied["turn_detection"]["silence_duration_ms"] == 700
    assert applied.get("input_audio_echo_cancellation") is None
    assert log.of(SessionConfigured)[-1].voice == "alloy"
    assert engine.state is SessionState.READY


async def test_barge_in_by_speaking_over_the_assistant(
    live: tuple[SessionEngine, EventLog, WallClockPlayback],
    simulator: VoiceLiveSimulator,
    spoken_sentence: bytes,
) -> None:
    engine, log, playback = live
    await engine.send_text("Please read me something long. " * 4)
    audio = await log.wait_for(AssistantAudioReceived)
    await wait_until(lambda: playback.played_ms(audio.item_id) >= 600, what="600 ms played")
    await speak_into(engine.submit_input_audio, spoken_sentence[: 24_000 * 2], silence_ms=0)
    interrupted = await log.wait_for(AssistantInterrupted)
    truncate = await simulator.wait_for_event("conversation.item.truncate")
    assert truncate["item_id"] == interrupted.item_id
    assert truncate["audio_end_ms"] == interrupted.played_ms
    assert 300 <= interrupted.played_ms <= 3000
    assert playback.flushes >= 1
    cancelled = await log.wait_for(ResponseFinished, lambda e: e.status == "cancelled")
    # Server VAD cancelled it (turn_detected); a response.cancel from the client would only
    # have earned a "no active response" error.
    assert cancelled.detail == "turn_detected"
    assert simulator.received_of("response.cancel") == []
    assert not simulator.sent_of("error")
    truncated = await simulator.wait_for_sent("conversation.item.truncated")
    assert truncated["audio_end_ms"] == interrupted.played_ms


async def test_typing_while_the_assistant_speaks_interrupts_it_and_gets_an_answer(
    live: tuple[SessionEngine, EventLog, WallClockPlayback], simulator: VoiceLiveSimulator
) -> None:
    engine, log, _ = live
    await engine.send_text("Please read me something long. " * 4)
    await log.wait_for(AssistantAudioReceived)
    await engine.send_text("Stop, answer this instead")
    final = await log.wait_for(
        AssistantTranscriptCompleted, lambda e: "answer this instead" in e.text, timeout=15
    )
    assert final.text.startswith("You typed: Stop, answer this instead")
    statuses = [e.status for e in log.of(ResponseFinished)]
    assert statuses == ["cancelled", "completed"]
    # The new request came after the server had ended the cancelled response, so the server
    # had no reason to refuse it.
    assert not simulator.sent_of("error")
    assert len(log.of(AssistantInterrupted)) == 1


@pytest.mark.allow_log_warnings(r"engine\.connection: connect failed: ")
async def test_wrong_key_is_rejected_within_two_seconds(simulator: VoiceLiveSimulator) -> None:
    engine, log, _ = engine_for(simulator, key="sk-wrong-key-9f8e7d")
    began = time.monotonic()
    with pytest.raises(CredentialsRejected, match="rejected the API key") as caught:
        await engine.start()
    assert time.monotonic() - began < 2.0
    assert "sk-wrong-key-9f8e7d" not in str(caught.value)
    assert log.of(SessionErrorReported)[0].kind is ErrorKind.CREDENTIALS_REJECTED


@pytest.mark.allow_log_warnings(r"engine\.connection: connect failed: ")
async def test_unknown_deployment_is_not_found() -> None:
    async with VoiceLiveSimulator(models=["gpt-realtime"]) as sim:
        engine, _, _ = engine_for(sim, model="no-such-model")
        with pytest.raises(ResourceNotFound):
            await engine.start()


async def test_session_updated_never_comes(simulator: VoiceLiveSimulator) -> None:
    simulator.faults.withhold_session_updated = True
    engine, _, _ = engine_for(simulator, ready_timeout_s=1.0)
    with pytest.raises(SessionNotReady):
        await engine.start()
    assert engine.state is SessionState.DISCONNECTED


async def test_drop_mid_response_reconnects_fast_with_context(
    live: tuple[SessionEngine, EventLog, WallClockPlayback], simulator: VoiceLiveSimulator
) -> None:
    engine, log, _ = live
    await engine.send_text("My name is Ada.")
    await log.wait_for(ResponseFinished)
    simulator.faults.drop_after_audio_deltas = 3
    await engine.send_text("Tell me a story.")
    await log.wait_for(SessionStateChanged, lambda e: e.state is SessionState.RECONNECTING)
    dropped_at = time.monotonic()
    await log.wait_for(SessionStateChanged, back_to_ready)
    assert time.monotonic() - dropped_at < 3.0
    restored = [
        (e.payload["item"]["role"], e.payload["item"]["content"][0]["text"])
        for e in simulator.received_events
        if e.connection == 2 and e.type == "conversation.item.create"
    ]
    assert restored[:2] == [("user", "My name is Ada."), ("assistant", restored[1][1])]
    assert "You typed: My name is Ada." in restored[1][1]
    assert restored[2] == ("user", "Tell me a story.")
    assert [e.kind for e in log.of(SessionErrorReported)] == [ErrorKind.CONNECTION_LOST]
    await engine.send_text("Do you remember me?")
    done = await log.wait_for(
        ResponseFinished, lambda e: e.status == "completed" and len(log.of(ResponseFinished)) > 2
    )
    assert done is not None


@pytest.mark.allow_log_warnings(r"engine\.connection: connect failed: ")
async def test_reconnect_waits_out_refused_handshakes(
    live: tuple[SessionEngine, EventLog, WallClockPlayback], simulator: VoiceLiveSimulator
) -> None:
    _, log, _ = live
    simulator.faults.refuse_connections(1.5)
    await simulator.close_sessions(1011, "internal error")
    await log.wait_for(SessionStateChanged, back_to_ready, timeout=15)
    attempts = log.of(ReconnectScheduled)
    assert len(attempts) >= 2
    assert [a.attempt for a in attempts] == list(range(1, len(attempts) + 1))
    assert 503 in simulator.handshakes
    assert [e.kind for e in log.of(SessionErrorReported)] == [ErrorKind.CONNECTION_LOST]


async def test_forced_reconnect_skips_the_backoff_wait(simulator: VoiceLiveSimulator) -> None:
    # A long backoff, as after many failed attempts while the machine slept.
    engine, log, _ = engine_for(simulator, backoff=ReconnectBackoff(first_delay_s=20.0, jitter=0))
    await engine.start()
    try:
        await simulator.close_sessions(1011, "internal error")
        scheduled = await log.wait_for(ReconnectScheduled)
        assert scheduled.delay_s == 20.0
        began = time.monotonic()
        await engine.reconnect()  # the machine woke up
        await log.wait_for(SessionStateChanged, back_to_ready, timeout=5)
        assert time.monotonic() - began < 5
        assert log.of(ReconnectScheduled)[-1] == ReconnectScheduled(attempt=1, delay_s=0.0)
        assert len(simulator.received_of("session.update")) == 2
    finally:
        await engine.stop()


async def test_session_length_limit_reconnects_without_an_error_storm(
    simulator: VoiceLiveSimulator,
) -> None:
    simulator.faults.max_session_s = 0.8
    engine, log, _ = engine_for(simulator)
    await engine.start()
    try:
        await wait_until(lambda: len(simulator.sessions) >= 3, 15, what="the third session")
        # One notice per ended session, each saying the conversation goes on; nothing else.
        notices = {(e.kind, e.message, e.fatal) for e in log.of(SessionErrorReported)}
        assert notices == {
            (
                ErrorKind.CONNECTION_LOST,
                "Voice Live ended the session; reconnecting with the conversation kept.",
                False,
            )
        }
        await log.wait_for(SessionStateChanged, back_to_ready)
        assert engine.state in (SessionState.READY, SessionState.RECONNECTING)
    finally:
        await engine.stop()


@pytest.mark.allow_log_warnings(
    r"engine\.connection: (malformed|unparseable) server message ignored",
    r"azure\.ai\.voicelive\.aio\._patch: Error parsing message",
    r"engine\.server_events: server event without a type ignored",
    r"engine\.server_errors: server error event",
    r"engine\.audio_deltas: audio delta",
)
async def test_hostile_fault_mode_is_survived(simulator: VoiceLiveSimulator) -> None:
    simulator.faults.hostile_after_session_updated = list(Hostile)
    engine, log, playback = engine_for(simulator)
    await engine.start()
    try:
        await engine.send_text("Are you all right?")
        done = await log.wait_for(ResponseFinished, lambda e: e.status == "completed")
        assert done is not None
        stats = engine.hostile_input
        assert stats.unknown_types >= 1
        assert stats.malformed >= 2
        assert stats.out_of_order >= 1000  # the flood of orphan deltas
        assert stats.internal_errors == 0
        assert len(simulator.sessions) == 1
        assert engine.state is SessionState.READY
        # Orphan, odd and invalid audio never reached the speaker.
        assert all(not item.startswith("item_unknown") for item in playback.queued_ms)
    finally:
        await engine.stop()


class StaticToken(AsyncTokenCredential):
    """An Entra ID credential that always hands out the same bearer token."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.scopes: list[tuple[str, ...]] = []

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken(self.token, int(time.time()) + 3600)

    async def close(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> None:
        return None


@pytest.mark.allow_log_warnings(r"engine\.connection: connect failed: ")
async def test_entra_token_connects_and_a_bad_token_is_rejected() -> None:
    async with VoiceLiveSimulator(bearer_tokens=["entra-token"]) as sim:
        good = StaticToken("entra-token")
        engine = SessionEngine(ConnectionSettings(endpoint=sim.endpoint), good, SessionSettings())
        await engine.start()
        assert engine.state is SessionState.READY
        assert good.scopes == [("https://ai.azure.com/.default",)]
        await engine.stop()
        bad = SessionEngine(
            ConnectionSettings(endpoint=sim.endpoint), StaticToken("stolen"), SessionSettings()
        )
        with pytest.raises(CredentialsRejected):
            await bad.start()


async def test_text_only_session_streams_text_and_no_audio(
    live: tuple[SessionEngine, EventLog, WallClockPlayback],
) -> None:
    engine, log, playback = live
    await engine.apply_settings(SessionSettings(modalities=("text",)))
    await engine.send_text("Just text, please.")
    done = await log.wait_for(ResponseFinished)
    assert done.status == "completed"
    assert "You typed: Just text, please." in log.of(AssistantTranscriptCompleted)[0].text
    assert log.of(AssistantAudioReceived) == [] and playback.queued_ms == {}
    assert engine.state is SessionState.READY


async def test_push_to_talk_turn_with_real_speech(
    simulator: VoiceLiveSimulator, spoken_sentence: bytes
) -> None:
    manual = SessionSettings(turn_detection=TurnDetectionSettings(mode=TurnDetectionMode.NONE))
    engine, log, _ = engine_for(simulator, session=manual)
    await engine.start()
    try:
        assert simulator.session_config is not None
        assert simulator.session_config["turn_detection"] is None
        await engine.begin_manual_turn()
        assert engine.state is SessionState.USER_SPEAKING
        await speak_into(engine.submit_input_audio, spoken_sentence, silence_ms=0)
        assert await engine.end_manual_turn() is True
        done = await log.wait_for(ResponseFinished, timeout=20)
        assert done.status == "completed"
        reply = log.of(AssistantTranscriptCompleted)[0].text
        assert "seconds of speech" in reply
        assert log.of(UserSpeechStarted) == []  # no server VAD in push-to-talk
        assert len(log.of(TurnLatencyMeasured)) == 1
        assert len(simulator.received_of("input_audio_buffer.commit")) == 1
    finally:
        await engine.stop()
