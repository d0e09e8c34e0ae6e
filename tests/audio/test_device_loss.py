"""A sound device that vanishes mid-stream: a clear error, no crash, and it comes back."""

from __future__ import annotations

import asyncio

import pytest

from tests.fixtures.virtual_audio import VirtualAudio
from tests.waiting import wait_until
from voicelive_desktop.audio.capture import HANDOVER_BYTES, MicCapture
from voicelive_desktop.audio.devices import Direction, find_device
from voicelive_desktop.audio.errors import AudioDeviceNotFound
from voicelive_desktop.audio.events import AudioDeviceEvent, AudioDeviceLost, AudioDeviceRestored
from voicelive_desktop.audio.playback import SpeakerPlayback
from voicelive_desktop.audio.portaudio import reinitialise
from voicelive_desktop.audio.supervisor import StreamSupervisor

pytestmark = [pytest.mark.audio, pytest.mark.asyncio]


@pytest.mark.allow_log_warnings(r"audio\.supervisor: audio device lost")
async def test_a_vanished_sound_server_is_reported_and_recovered(
    virtual_audio: VirtualAudio,
) -> None:
    events: list[AudioDeviceEvent] = []
    frames: list[bytes] = []
    supervisor: StreamSupervisor
    capture = MicCapture(
        lambda pcm, level: frames.append(pcm),
        lambda message: supervisor.report_failure(Direction.INPUT, message),
    )
    playback = SpeakerPlayback(
        lambda level: None,
        lambda message: supervisor.report_failure(Direction.OUTPUT, message),
    )
    supervisor = StreamSupervisor(
        {Direction.INPUT: capture, Direction.OUTPUT: playback}, events.append, retry_s=0.3
    )
    capture.open()
    playback.open()
    supervisor.start()
    try:
        # 400 ms of audio (silence comes in batches), before the idle speaker pauses at 1 s
        await wait_until(lambda: sum(map(len, frames)) > 10 * HANDOVER_BYTES, 5)
        await asyncio.to_thread(virtual_audio.stop)
        await wait_until(lambda: supervisor.failed == {Direction.INPUT, Direction.OUTPUT}, 10)
        lost = {event.direction: event for event in events if isinstance(event, AudioDeviceLost)}
        assert lost[Direction.INPUT].message == "The microphone 'default' stopped working."
        assert lost[Direction.OUTPUT].message == "The speaker 'default' stopped working."
        assert not capture.is_open and not playback.is_open

        # With no sound server there are no devices at all: a sentence, not a traceback.
        reinitialise()
        with pytest.raises(AudioDeviceNotFound, match="No microphone was found"):
            find_device(Direction.INPUT)

        await asyncio.to_thread(virtual_audio.start)
        await wait_until(lambda: not supervisor.failed, 15)
        restored = [event for event in events if isinstance(event, AudioDeviceRestored)]
        assert {event.direction for event in restored} == {Direction.INPUT, Direction.OUTPUT}
        before = len(frames)
        await wait_until(lambda: len(frames) > before + 10, 5)
    finally:
        await supervisor.stop()
        capture.close()
        playback.close()
        # The supervisor rescanned while the server was starting; later tests get a clean list.
        reinitialise()
