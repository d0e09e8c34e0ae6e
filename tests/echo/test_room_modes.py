"""Laptop speakers in a simulated room: per echo mode, no self-interruption, and the user can
still interrupt by voice (the app's engine and echo stage against the simulator)."""

from __future__ import annotations

import pytest

from tests.fixtures.echo_path import SCENARIOS, espeak_speech
from tests.fixtures.room_client import RoomClient
from voicelive_desktop.engine.session_settings import EchoCancellationMode
from voicelive_desktop.simulator import VoiceLiveSimulator

# The room ticks every 20 ms on the wall clock: a starved tick reaches the echo canceller late.
pytestmark = pytest.mark.realtime

ASK = "Tell me about the weather this week, in a few sentences please"
INTERRUPTION = "Wait, stop please."

CANCELLING = [
    EchoCancellationMode.SERVICE,
    EchoCancellationMode.SERVICE_WITH_CLIENT_REFERENCE,
    EchoCancellationMode.THIS_COMPUTER,
]


@pytest.mark.asyncio
async def test_without_echo_cancellation_the_assistant_interrupts_itself(
    simulator: VoiceLiveSimulator,
) -> None:
    room = RoomClient(simulator.endpoint, EchoCancellationMode.OFF, SCENARIOS["loud_speakers"])
    async with room:
        await room.engine.send_text(ASK)
        assert await room.wait_for_audio(0.2)
        start = room.now
        await room.wait(5.0)
        assert room.speech_detected_between(start, room.now)


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", CANCELLING, ids=[m.value for m in CANCELLING])
async def test_no_self_interruption_and_the_user_can_still_interrupt(
    simulator: VoiceLiveSimulator, mode: EchoCancellationMode
) -> None:
    room = RoomClient(simulator.endpoint, mode, SCENARIOS["loud_speakers"])
    interruption = espeak_speech(INTERRUPTION, voice="en-us")
    async with room:
        await room.engine.send_text(ASK)
        assert await room.wait_for_audio(0.2)
        start = room.now
        await room.wait(5.0)
        assert not room.speech_detected_between(start, room.now), "it interrupted itself"
        onset = room.say(interruption * 0.8)
        await room.wait(2.0)
        assert room.speech_detected_between(onset, onset + 1.0), "the user was not heard"
        stopped = room.silence_after(onset)
        assert stopped is not None and stopped - onset < 0.6
