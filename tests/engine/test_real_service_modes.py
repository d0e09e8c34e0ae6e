"""The engine against the simulator's real-service modes: real websocket, real SDK.

Each test turns on one documented habit of the real service (simulator/service_modes.py)
and checks what a user would notice: order, messages, quiet where nothing is wrong.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.engine.conftest import EventLog, WallClockPlayback
from tests.engine.simulator_engines import TEXT_ONLY, engine_for
from tests.engine.speech_audio import espeak_pcm16, speak_into
from tests.waiting import wait_until
from voicelive_desktop.engine import (
    AssistantAudioReceived,
    AssistantResponseStarted,
    AssistantTranscriptCompleted,
    ErrorKind,
    ResponseFinished,
    SessionConfigured,
    SessionEngine,
    SessionErrorReported,
    SessionNotReady,
    SessionSettings,
    SessionState,
    SessionStateChanged,
    UserTranscriptCompleted,
    VoiceSettings,
)
from voicelive_desktop.engine.events import (
    UserTranscriptDelta,
    UserTranscriptFailed,
    UserTurnCommitted,
)
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.simulator.service_modes import SESSION_EXPIRED_MESSAGE

pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return espeak_pcm16("Please tell me a short story.", tmp_path_factory.mktemp("speech"))


@pytest_asyncio.fixture
async def live(
    simulator: VoiceLiveSimulator,
) -> AsyncIterator[tuple[SessionEngine, EventLog, WallClockPlayback]]:
    engine, log, playback = engine_for(simulator)
    await engine.start()
    yield engine, log, playback
    await engine.stop()


async def push_to_talk(engine: SessionEngine, pcm: bytes) -> None:
    await engine.begin_manual_turn()
    await speak_into(engine.submit_input_audio, pcm, silence_ms=0)
    assert await engine.end_manual_turn()


def back_to_ready(event: SessionStateChanged) -> bool:
    return event.state is SessionState.READY and event.previous is SessionState.RECONNECTING


async def test_a_late_transcript_keeps_its_place_in_the_replayed_context(
    live: tuple[SessionEngine, EventLog, WallClockPlayback],
    simulator: VoiceLiveSimulator,
    spoken: bytes,
) -> None:
    engine, log, _ = live
    simulator.faults.modes.late_transcript_s = 0.3
    await push_to_talk(engine, spoken)
    answer = await log.wait_for(AssistantTranscriptCompleted, timeout=20)
    heard = await log.wait_for(UserTranscriptCompleted)
    committed = log.of(UserTurnCommitted)[0]
    assert heard.item_id == committed.item_id
    # The transcript really came late: after the response had begun.
    order = [type(e) for e in log.events]
    assert order.index(AssistantResponseStarted) < order.index(UserTranscriptCompleted)
    await log.wait_for(ResponseFinished)
    await engine.reconnect()
    await log.wait_for(SessionStateChanged, back_to_ready)
    replayed = [
        (e.payload["item"]["role"], e.payload["item"]["content"][0]["text"])
        for e in simulator.received_events
        if e.connection == 2 and e.type == "conversation.item.create"
    ]
    assert replayed == [("user", heard.text), ("assistant", answer.text)]


async def test_partial_user_transcripts_stream_before_the_final_one(
    live: tuple[SessionEngine, EventLog, WallClockPlayback],
    simulator: VoiceLiveSimulator,
    spoken: bytes,
) -> None:
    engine, log, _ = live
    simulator.faults.modes.transcript_deltas = True
    await push_to_talk(engine, spoken)
    final = await log.wait_for(UserTranscriptCompleted, timeout=20)
    deltas = log.of(UserTranscriptDelta)
    assert len(deltas) >= 2
    assert {d.item_id for d in deltas} == {final.item_id}
    assert "".join(d.delta for d in deltas) == final.text


async def test_a_failed_transcription_is_reported_at_its_turn(
    live: tuple[SessionEngine, EventLog, WallClockPlayback],
    simulator: VoiceLiveSimulator,
    spoken: bytes,
) -> None:
    engine, log, _ = live
    simulator.faults.modes.fail_transcription = True
    await push_to_talk(engine, spoken)
    failed = await log.wait_for(UserTranscriptFailed, timeout=20)
    assert failed.item_id == log.of(UserTurnCommitted)[0].item_id
    assert failed.message == "The audio could not be transcribed."
    await log.wait_for(ResponseFinished)  # the turn is still answered
    assert log.of(UserTranscriptCompleted) == []


@pytest.mark.allow_log_warnings(r"server_events: response \S+ failed: The model is overloaded")
async def test_a_failed_response_carries_the_services_message(
    live: tuple[SessionEngine, EventLog, WallClockPlayback], simulator: VoiceLiveSimulator
) -> None:
    engine, log, _ = live
    simulator.faults.modes.fail_responses_with = "The model is overloaded; try again."
    await engine.send_text("Hello?")
    done = await log.wait_for(ResponseFinished)
    assert (done.status, done.detail) == ("failed", "The model is overloaded; try again.")
    assert done.item_id
    await log.wait_for(SessionStateChanged, lambda e: e.state is SessionState.READY)


async def test_a_cut_short_response_says_why(
    live: tuple[SessionEngine, EventLog, WallClockPlayback], simulator: VoiceLiveSimulator
) -> None:
    engine, log, _ = live
    simulator.faults.modes.cut_responses_short = True
    await engine.send_text("Tell me everything about the sea.")
    done = await log.wait_for(ResponseFinished)
    assert (done.status, done.detail) == ("incomplete", "max_output_tokens")
    said = log.of(AssistantTranscriptCompleted)[0].text
    assert len(said.split()) == 4


async def test_a_cancel_that_races_the_services_own_end_is_absorbed(
    live: tuple[SessionEngine, EventLog, WallClockPlayback], simulator: VoiceLiveSimulator
) -> None:
    engine, log, _ = live
    simulator.faults.modes.cancel_races_server = True
    await engine.send_text("Please read me something long. " * 3)
    await log.wait_for(AssistantAudioReceived)
    await engine.interrupt()  # the user cuts in (push-to-talk, typing): a client cancel
    await simulator.wait_for_sent("error")
    done = await log.wait_for(ResponseFinished)
    assert done.status == "cancelled"
    await engine.send_text("Are you there?")
    await log.wait_for(ResponseFinished, lambda e: e.status == "completed")
    assert log.of(SessionErrorReported) == []
    assert engine.hostile_input.suppressed_errors == 1


async def test_documented_extra_events_are_known_not_surprises(
    live: tuple[SessionEngine, EventLog, WallClockPlayback], simulator: VoiceLiveSimulator
) -> None:
    engine, log, _ = live
    simulator.faults.modes.documented_extras = True
    await engine.send_text("Hi")
    await log.wait_for(ResponseFinished, lambda e: e.status == "completed")
    sent = {e["type"] for e in (r.payload for r in simulator.sent_events)}
    assert {"rate_limits.updated", "warning", "response.audio_timestamp.delta"} <= sent
    assert {"response.animation_viseme.delta"} <= sent
    assert engine.hostile_input.unknown_types == 0
    assert log.of(SessionErrorReported) == []


async def test_unknown_event_types_are_logged_once_and_counted_per_type(
    simulator: VoiceLiveSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    simulator.faults.modes.unknown_event_types = ("response.future_thing", "session.new_idea")
    # Text replies: the unknown events come after response.created, spoken or not.
    engine, log, _ = engine_for(simulator, session=TEXT_ONLY)
    with caplog.at_level(logging.INFO, logger="voicelive_desktop.engine"):
        await engine.start()
        for count, text in enumerate(("One", "Two", "Three"), start=1):
            await engine.send_text(text)
            await log.wait_for(
                ResponseFinished, lambda e, c=count: len(log.of(ResponseFinished)) == c
            )
        assert dict(engine.hostile_input.unknown_by_type.counts) == {
            "response.future_thing": 3,
            "session.new_idea": 3,
        }
        await engine.stop()
    lines = [r.getMessage() for r in caplog.records]
    assert sum("unknown type 'response.future_thing'" in line for line in lines) == 1
    assert sum("unknown type 'session.new_idea'" in line for line in lines) == 1
    assert (
        "unknown server event types this session: response.future_thing×3, session.new_idea×3"
        in lines
    )


async def test_every_client_event_carries_an_event_id(
    live: tuple[SessionEngine, EventLog, WallClockPlayback],
    simulator: VoiceLiveSimulator,
    spoken: bytes,
) -> None:
    engine, log, _ = live
    await push_to_talk(engine, spoken)
    await log.wait_for(ResponseFinished, timeout=20)
    await engine.send_text("And now?")
    await log.wait_for(ResponseFinished, lambda e: len(log.of(ResponseFinished)) == 2)
    kinds = {r.type for r in simulator.received_events}
    assert {"session.update", "input_audio_buffer.append", "response.create"} <= kinds
    assert {"input_audio_buffer.commit", "conversation.item.create"} <= kinds
    ids = [r.payload.get("event_id") for r in simulator.received_events]
    assert all(isinstance(i, str) and i for i in ids)
    assert len(set(ids)) == len(ids)


@pytest.mark.allow_log_warnings(r"server error event \(caused by session\.update")
async def test_a_refused_setting_is_named(
    live: tuple[SessionEngine, EventLog, WallClockPlayback], simulator: VoiceLiveSimulator
) -> None:
    engine, _, _ = live
    simulator.faults.modes.refuse_setting = "voice"
    with pytest.raises(SessionNotReady) as refused:
        await engine.apply_settings(SessionSettings(voice=VoiceSettings(name="alloy")))
    assert str(refused.value).startswith("The Voice Live service refused the Voice setting: ")
    assert "'voice' is not supported" in str(refused.value)
    assert engine.state is SessionState.READY


@pytest.mark.allow_log_warnings(r"server error event \(caused by conversation\.item\.create")
async def test_a_refused_message_is_quoted(
    live: tuple[SessionEngine, EventLog, WallClockPlayback], simulator: VoiceLiveSimulator
) -> None:
    engine, log, _ = live
    simulator.faults.modes.refuse_messages_containing = "forbidden"
    await engine.send_text("Say the forbidden word")
    error = await log.wait_for(SessionErrorReported)
    assert error.message == (
        "The Voice Live service refused the message “Say the forbidden word”: "
        "The message was rejected by the content filter."
    )
    assert not error.fatal


async def test_an_expired_session_says_so_and_reconnects_with_the_context(
    simulator: VoiceLiveSimulator,
) -> None:
    engine, log, _ = engine_for(simulator)
    await engine.start()
    try:
        await engine.send_text("Remember the number seven.")
        answer = await log.wait_for(AssistantTranscriptCompleted)
        await log.wait_for(ResponseFinished)
        simulator.faults.modes.expire_session_after_s = 0.0
        await log.wait_for(SessionStateChanged, back_to_ready, timeout=15)
        simulator.faults.modes.expire_session_after_s = None
        notices = log.of(SessionErrorReported)
        assert [(n.kind, n.fatal) for n in notices] == [(ErrorKind.CONNECTION_LOST, False)]
        expected = SESSION_EXPIRED_MESSAGE.rstrip(".")
        assert notices[0].message == (
            f"Voice Live ended the session ({expected}); reconnecting with the conversation kept."
        )
        replayed = [
            e.payload["item"]["content"][0]["text"]
            for e in simulator.received_events
            if e.connection == 2 and e.type == "conversation.item.create"
        ]
        assert replayed == ["Remember the number seven.", answer.text]
    finally:
        await engine.stop()


async def test_tolerated_shapes_change_nothing_a_user_sees(
    simulator: VoiceLiveSimulator,
) -> None:
    modes = simulator.faults.modes
    modes.voice_as_string = modes.extra_fields = modes.deltas_without_event_id = True
    engine, log, _ = engine_for(simulator)
    await engine.start()
    try:
        assert log.of(SessionConfigured)[0].voice == "en-US-Ava:DragonHDLatestNeural"
        assert simulator.sessions[1].session["max_response_output_tokens"] == "inf"
        await engine.send_text("What time is it?")
        final = await log.wait_for(AssistantTranscriptCompleted)
        assert "You typed: What time is it?" in final.text
        stats = engine.hostile_input
        assert (stats.malformed, stats.out_of_order, stats.internal_errors) == (0, 0, 0)
        assert log.of(SessionErrorReported) == []
    finally:
        await engine.stop()
    await wait_until(lambda: engine.state is SessionState.DISCONNECTED)
