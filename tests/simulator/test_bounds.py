"""A long demo session cannot grow the simulator's memory: bounded input buffer and event record."""

from __future__ import annotations

import pytest

from tests.simulator.sdk_client import silence
from voicelive_desktop.simulator.input_turns import MAX_BUFFER_BYTES, InputTurns
from voicelive_desktop.simulator.recorder import EventRecorder
from voicelive_desktop.simulator.session_config import TurnDetection


@pytest.mark.parametrize("server_side", [False, True])
def test_uncommitted_audio_is_capped(server_side: bool) -> None:
    turns = InputTurns(TurnDetection(server_side=server_side))
    one_second = silence(1000)
    for _ in range(MAX_BUFFER_BYTES // len(one_second) + 60):
        turns.append(one_second)
    assert turns.buffered_ms <= MAX_BUFFER_BYTES * 1000 // len(one_second)
    # What is kept is still committable audio.
    assert turns.commit() == 0
    assert turns.buffered_ms == 0


@pytest.mark.asyncio
async def test_the_event_record_keeps_the_newest_events() -> None:
    recorder = EventRecorder(max_events=10)
    for number in range(25):
        recorder.record_received(1, {"type": "input_audio_buffer.append", "n": number})
        recorder.record_sent(1, {"type": "response.audio.delta", "n": number})
    assert [event.payload["n"] for event in recorder.received] == list(range(15, 25))
    assert len(recorder.sent) == 10
    found = await recorder.wait_for(
        recorder.received, "input_audio_buffer.append", 1.0, lambda p: p["n"] == 24
    )
    assert found["n"] == 24
