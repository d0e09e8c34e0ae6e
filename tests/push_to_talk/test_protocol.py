"""What push-to-talk sends, checked on the simulator's side: hold, toggle, a tap, barge-in."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.engine.conftest import EventLog, WallClockPlayback
from tests.engine.speech_audio import espeak_pcm16, frames, speak_into
from voicelive_desktop.engine import SessionEngine
from voicelive_desktop.engine.auth import key_credential
from voicelive_desktop.engine.events import (
    AssistantAudioReceived,
    AssistantInterrupted,
    ResponseFinished,
    SessionState,
)
from voicelive_desktop.engine.session_settings import ConnectionSettings
from voicelive_desktop.protocol import DEMO_API_KEY
from voicelive_desktop.push_to_talk import PushToTalk, session_for
from voicelive_desktop.settings import AppSettings, PushToTalkMode, PushToTalkSettings
from voicelive_desktop.simulator import VoiceLiveSimulator

pytestmark = pytest.mark.asyncio

PTT_SETTINGS = dataclasses.replace(AppSettings(), push_to_talk=PushToTalkSettings(enabled=True))


@pytest.fixture(scope="module")
def question(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return espeak_pcm16("What is the weather like today?", tmp_path_factory.mktemp("ptt"))


@pytest_asyncio.fixture
async def live(
    simulator: VoiceLiveSimulator,
) -> AsyncIterator[tuple[SessionEngine, EventLog, WallClockPlayback]]:
    playback = WallClockPlayback()
    engine = SessionEngine(
        ConnectionSettings(endpoint=simulator.endpoint),
        key_credential(DEMO_API_KEY),
        session_for(PTT_SETTINGS),
        playback=playback,
    )
    log = EventLog()
    engine.subscribe(log)
    await engine.start()
    yield engine, log, playback
    await engine.stop()


def turn_events(sim: VoiceLiveSimulator) -> list[str]:
    """Client events after the session set-up, with each run of audio appends as one 'append'."""
    kinds: list[str] = []
    for event in sim.received_events:
        if event.type == "session.update":
            continue
        kind = "append" if event.type == "input_audio_buffer.append" else event.type
        if not (kind == "append" and kinds and kinds[-1] == "append"):
            kinds.append(kind)
    return kinds


async def received_count(sim: VoiceLiveSimulator, kind: str, count: int) -> None:
    """Wait until the simulator has received `count` events of `kind` (it reads asynchronously)."""
    for _ in range(250):
        if len(sim.received_of(kind)) >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the simulator received {len(sim.received_of(kind))} {kind}, not {count}")


def server_sent(sim: VoiceLiveSimulator, kind: str) -> int:
    return len(sim.sent_of(kind))


async def test_hold_sends_clear_audio_commit_and_one_response(
    live: tuple[SessionEngine, EventLog, WallClockPlayback],
    simulator: VoiceLiveSimulator,
    question: bytes,
) -> None:
    engine, log, _ = live
    assert simulator.session_config is not None
    assert simulator.session_config["turn_detection"] is None  # the client ends turns
    ptt = PushToTalk(lambda: engine)
    ptt.press("key")
    for _ in range(5):
        ptt.press("key")  # auto-repeat
    await ptt.wait_idle()
    await speak_into(engine.submit_input_audio, question, silence_ms=100)
    ptt.release("key")
    await ptt.wait_idle()
    done = await log.wait_for(ResponseFinished, timeout=20)
    assert done.status == "completed"
    assert turn_events(simulator) == [
        "input_audio_buffer.clear",
        "append",
        "input_audio_buffer.commit",
        "response.create",
    ]
    assert server_sent(simulator, "input_audio_buffer.committed") == 1
    assert server_sent(simulator, "input_audio_buffer.speech_started") == 0  # no VAD turn
    assert server_sent(simulator, "response.created") == 1
    await ptt.close()


async def test_a_tap_shorter_than_150_ms_makes_no_turn(
    live: tuple[SessionEngine, EventLog, WallClockPlayback],
    simulator: VoiceLiveSimulator,
    question: bytes,
) -> None:
    engine, _log, _ = live
    ptt = PushToTalk(lambda: engine)
    ptt.press("key")
    await ptt.wait_idle()
    await speak_into(engine.submit_input_audio, question[: 24_000 * 2 // 10], silence_ms=0)
    ptt.release("key")  # ~100 ms of audio
    await ptt.wait_idle()
    await received_count(simulator, "input_audio_buffer.clear", 2)
    await asyncio.sleep(0.3)  # time for a response.create that must not come
    assert turn_events(simulator) == [
        "input_audio_buffer.clear",
        "append",
        "input_audio_buffer.clear",
    ]
    assert server_sent(simulator, "response.created") == 0
    assert engine.state is SessionState.READY
    await ptt.close()


async def test_an_instant_tap_cannot_overtake_its_key_down(
    live: tuple[SessionEngine, EventLog, WallClockPlayback], simulator: VoiceLiveSimulator
) -> None:
    engine, _log, _ = live
    ptt = PushToTalk(lambda: engine)
    ptt.press("key")
    ptt.release("key")
    await ptt.wait_idle()
    await received_count(simulator, "input_audio_buffer.clear", 2)
    assert turn_events(simulator) == ["input_audio_buffer.clear", "input_audio_buffer.clear"]
    assert engine.state is SessionState.READY  # not stuck "listening to the user"
    await ptt.close()


async def test_toggle_mode_commits_on_the_second_press(
    live: tuple[SessionEngine, EventLog, WallClockPlayback],
    simulator: VoiceLiveSimulator,
    question: bytes,
) -> None:
    engine, log, _ = live
    ptt = PushToTalk(lambda: engine, mode=PushToTalkMode.TOGGLE)
    ptt.press("global")
    ptt.release("global")
    await ptt.wait_idle()
    await speak_into(engine.submit_input_audio, question, silence_ms=0)
    assert "input_audio_buffer.commit" not in turn_events(simulator)
    ptt.press("global")
    ptt.release("global")
    await ptt.wait_idle()
    await log.wait_for(ResponseFinished, timeout=20)
    assert turn_events(simulator) == [
        "input_audio_buffer.clear",
        "append",
        "input_audio_buffer.commit",
        "response.create",
    ]
    await ptt.close()


async def test_pressing_while_the_assistant_speaks_barges_in_first(
    live: tuple[SessionEngine, EventLog, WallClockPlayback],
    simulator: VoiceLiveSimulator,
    question: bytes,
) -> None:
    engine, log, playback = live
    await engine.send_text("Please read me something long. " * 4)
    await log.wait_for(AssistantAudioReceived)
    await asyncio.sleep(0.5)
    ptt = PushToTalk(lambda: engine)
    ptt.press("key")
    await ptt.wait_idle()
    interrupted = await log.wait_for(AssistantInterrupted)
    assert playback.flushes == 1
    for frame in frames(question):
        engine.submit_input_audio(frame)
        await asyncio.sleep(0.02)
    ptt.release("key")
    await ptt.wait_idle()
    await log.wait_for(ResponseFinished, lambda e: e.status == "completed", timeout=20)
    kinds = turn_events(simulator)
    assert kinds[kinds.index("response.cancel") :] == [
        "response.cancel",
        "conversation.item.truncate",
        "input_audio_buffer.clear",
        "append",
        "input_audio_buffer.commit",
        "response.create",
    ]
    truncate = simulator.received_of("conversation.item.truncate")[0]
    assert truncate["audio_end_ms"] == interrupted.played_ms
    assert 300 <= interrupted.played_ms <= 2000
    await ptt.close()
