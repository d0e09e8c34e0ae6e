"""Stream supervision logic: a stream whose callbacks stop is reported and reopened."""

from __future__ import annotations

import asyncio
import time

import pytest

from voicelive_desktop.audio.devices import AudioDevice, Direction
from voicelive_desktop.audio.events import AudioDeviceEvent, AudioDeviceLost, AudioDeviceRestored
from voicelive_desktop.audio.supervisor import StreamSupervisor

pytestmark = pytest.mark.asyncio


class StallingStream:
    """A stream stand-in whose callbacks stop after opening until `resume()` (a hung device)."""

    def __init__(self) -> None:
        self.device_name: str | None = None
        self.device: AudioDevice | None = None
        self.last_callback_at = 0.0
        self.opened = 0
        self._open = False

    @property
    def is_open(self) -> bool:
        return self._open

    def open(self, fall_back_to_default: bool = False) -> None:
        self.opened += 1
        self._open = True
        self.last_callback_at = time.monotonic()
        self.device = AudioDevice(0, "Hanging USB Mic", "ALSA", 1, 48_000, True)

    def close(self) -> None:
        self._open = False


async def test_a_stream_without_callbacks_is_reported_and_reopened() -> None:
    stream = StallingStream()
    events: list[AudioDeviceEvent] = []
    supervisor = StreamSupervisor(
        {Direction.INPUT: stream}, events.append, retry_s=0.05, stall_s=0.2
    )
    stream.open()
    supervisor.start()
    try:
        async with asyncio.timeout(5):
            while not any(isinstance(event, AudioDeviceRestored) for event in events):
                await asyncio.sleep(0.01)
    finally:
        await supervisor.stop()
    lost = events[0]
    assert isinstance(lost, AudioDeviceLost)
    assert lost.message == "The microphone stopped delivering audio for 0.2 seconds."
    assert events[1] == AudioDeviceRestored(Direction.INPUT, "Hanging USB Mic")
    assert stream.opened == 2 and stream.is_open
