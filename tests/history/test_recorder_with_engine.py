"""The recorder on a real engine talking to the simulator over a real websocket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TypeVar

import pytest
import pytest_asyncio

from tests.waiting import wait_until
from voicelive_desktop.engine import (
    AssistantTranscriptDelta,
    ConnectionSettings,
    EngineEvent,
    ReconnectScheduled,
    ResponseFinished,
    SessionEngine,
    SessionSettings,
    SessionState,
    SessionStateChanged,
    key_credential,
)
from voicelive_desktop.history import HistoryRecorder, HistoryStore, Turn, start_recording
from voicelive_desktop.protocol import DEMO_API_KEY
from voicelive_desktop.simulator import VoiceLiveSimulator

E = TypeVar("E")


class Events:
    """Every engine event, and a way to wait for the n-th of a kind."""

    def __init__(self) -> None:
        self.seen: list[EngineEvent] = []
        self._changed = asyncio.Event()

    def __call__(self, event: EngineEvent) -> None:
        self.seen.append(event)
        self._changed.set()

    async def nth(self, kind: type[E], count: int, timeout: float = 30.0) -> E:
        async def scan() -> E:
            while True:
                found = [event for event in self.seen if isinstance(event, kind)]
                if len(found) >= count:
                    return found[count - 1]
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(scan(), timeout)


@pytest_asyncio.fixture
async def session(
    simulator: VoiceLiveSimulator, tmp_path: Path
) -> AsyncIterator[tuple[SessionEngine, HistoryRecorder, Events]]:
    engine = SessionEngine(
        ConnectionSettings(endpoint=simulator.endpoint),
        key_credential(DEMO_API_KEY),
        SessionSettings(),
    )
    recorder = start_recording(engine, path=tmp_path / "history.sqlite3")
    assert recorder is not None
    events = Events()
    engine.subscribe(events)
    await engine.start()
    yield engine, recorder, events
    await engine.stop()
    recorder.close()


def stored(tmp_path: Path, recorder: HistoryRecorder) -> tuple[Turn, ...]:
    with HistoryStore(tmp_path / "history.sqlite3") as store:
        conversation = store.load_conversation(recorder.conversation_id)
    return () if conversation is None else conversation.turns


def ready_states(events: Events) -> list[SessionStateChanged]:
    return [
        e
        for e in events.seen
        if isinstance(e, SessionStateChanged) and e.state is SessionState.READY
    ]


def count(events: Events, kind: type) -> int:
    return sum(1 for event in events.seen if isinstance(event, kind))


@pytest.mark.slow
@pytest.mark.asyncio
async def test_typed_turns_and_a_barge_in_are_stored_in_order(
    session: tuple[SessionEngine, HistoryRecorder, Events], tmp_path: Path
) -> None:
    engine, recorder, events = session
    await engine.send_text("Hello there")
    await events.nth(ResponseFinished, 1)
    await engine.send_text("Tell me something long")
    await events.nth(AssistantTranscriptDelta, count(events, AssistantTranscriptDelta) + 2)
    await engine.interrupt()  # the user cuts the answer off
    await events.nth(ResponseFinished, 2)
    await engine.send_text("Another question")
    await events.nth(ResponseFinished, 3)

    turns = stored(tmp_path, recorder)
    assert [(t.role, t.interrupted) for t in turns] == [
        ("user", False),
        ("assistant", False),
        ("user", False),
        ("assistant", True),
        ("user", False),
        ("assistant", False),
    ]
    assert [t.text for t in turns if t.role == "user"] == [
        "Hello there",
        "Tell me something long",
        "Another question",
    ]
    assert all(t.text.strip() for t in turns)
    assert all(
        t.latency_ms is not None and t.latency_ms > 0 for t in turns if t.role == "assistant"
    )


@pytest.mark.slow
@pytest.mark.asyncio
async def test_a_dropped_connection_keeps_the_partial_answer_and_the_same_conversation(
    session: tuple[SessionEngine, HistoryRecorder, Events],
    simulator: VoiceLiveSimulator,
    tmp_path: Path,
) -> None:
    engine, recorder, events = session
    # 100 ms audio chunks: the drop comes 1.5 s into the answer, a few words in.
    simulator.faults.drop_after_audio_deltas = 15
    await engine.send_text("Are you still there?")
    await events.nth(ReconnectScheduled, 1)
    readies_before = len(ready_states(events))
    await wait_until(lambda: len(ready_states(events)) > readies_before, 15)
    await engine.send_text("Good, carry on")
    await events.nth(ResponseFinished, 2)  # the first ended "incomplete" at the drop

    turns = stored(tmp_path, recorder)
    assert [(t.role, t.interrupted) for t in turns] == [
        ("user", False),
        ("assistant", True),
        ("user", False),
        ("assistant", False),
    ]
    partial, complete = turns[1].text, turns[3].text
    assert partial.strip() and len(partial) < len(complete)
