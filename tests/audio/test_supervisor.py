"""Stream supervision logic: a stream whose callbacks stop is reported and reopened."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.waiting import wait_until
from voicelive_desktop.audio.devices import AudioDevice, Direction
from voicelive_desktop.audio.errors import AudioDeviceNotFound
from voicelive_desktop.audio.events import (
    AudioDefaultFollowed,
    AudioDeviceEvent,
    AudioDeviceLost,
    AudioDeviceRestored,
)
from voicelive_desktop.audio.supervisor import RescanBackoff, StreamSupervisor


class StallingStream:
    """A stream stand-in whose callbacks stop after opening until `resume()` (a hung device)."""

    def __init__(self) -> None:
        self.device_name: str | None = None
        self.device: AudioDevice | None = None
        self.fell_back = False
        self.last_callback_at = 0.0
        self.opened = 0
        self.kept_queued = False
        self._open = False

    @property
    def is_open(self) -> bool:
        return self._open

    def open(self, fall_back_to_default: bool = False, *, keep_queued: bool = False) -> None:
        self.opened += 1
        self.kept_queued = keep_queued
        self._open = True
        self.last_callback_at = time.monotonic()
        self.device = AudioDevice(0, "Hanging USB Mic", "ALSA", 1, 48_000, True)

    def close(self, *, keep_queued: bool = False) -> None:
        self._open = False


@pytest.mark.allow_log_warnings(r"audio\.supervisor: audio device lost")
@pytest.mark.asyncio
async def test_a_stream_without_callbacks_is_reported_and_reopened() -> None:
    stream = StallingStream()
    events: list[AudioDeviceEvent] = []
    supervisor = StreamSupervisor(
        {Direction.INPUT: stream}, events.append, retry_s=0.05, stall_s=0.2
    )
    stream.open()
    supervisor.start()
    try:
        await wait_until(lambda: any(isinstance(e, AudioDeviceRestored) for e in events), 5)
    finally:
        await supervisor.stop()
    lost = events[0]
    assert isinstance(lost, AudioDeviceLost)
    assert lost.message == "The microphone stopped delivering audio for 0.2 seconds."
    assert events[1] == AudioDeviceRestored(Direction.INPUT, "Hanging USB Mic")
    assert stream.opened == 2 and stream.is_open


class MissingStream(StallingStream):
    """A device that is not there: every open fails."""

    def open(self, fall_back_to_default: bool = False, *, keep_queued: bool = False) -> None:
        self.opened += 1
        raise AudioDeviceNotFound("No microphone was found. Connect one and try again.")


@pytest.mark.allow_log_warnings(r"audio\.supervisor: audio device lost")
@pytest.mark.asyncio
async def test_a_missing_mic_does_not_interrupt_a_playing_speaker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rescans: list[bool] = []
    monkeypatch.setattr(
        "voicelive_desktop.audio.supervisor.reinitialise", lambda: rescans.append(True)
    )
    mic, speaker = MissingStream(), StallingStream()
    speaker.open()
    playing = True
    supervisor = StreamSupervisor(
        {Direction.INPUT: mic, Direction.OUTPUT: speaker},
        lambda event: None,
        retry_s=0.02,
        stall_s=60,
        may_interrupt=lambda: not playing,
    )
    supervisor.report_failure(Direction.INPUT, "No microphone was found.")
    supervisor.start()
    try:
        await wait_until(lambda: mic.opened >= 5, 5)
        assert rescans == [], "no rescan (which reopens the speaker) while it plays"
        assert speaker.opened == 1
        playing = False
        await wait_until(lambda: bool(rescans), 5)
    finally:
        await supervisor.stop()
    assert speaker.is_open, "the speaker came back after the rescan"


def test_rescans_back_off_and_start_over_after_a_recovery() -> None:
    backoff = RescanBackoff(first_s=1.0, limit_s=4.0)
    assert backoff.due(0.0)
    runs = []
    for now in [x / 2 for x in range(40)]:
        if backoff.due(now):
            runs.append(now)
            backoff.ran(now)
    assert runs == [0.0, 1.0, 3.0, 7.0, 11.0, 15.0, 19.0]
    backoff.reset()
    assert backoff.due(19.5)


class ComingBackStream(StallingStream):
    """A chosen headset that is unplugged (the default opens instead) until `plug_in()`."""

    def __init__(self) -> None:
        super().__init__()
        self.device_name = "USB Headset"
        self.plugged_in = False

    def open(self, fall_back_to_default: bool = False, *, keep_queued: bool = False) -> None:
        super().open(fall_back_to_default)
        name = "USB Headset" if self.plugged_in else "Built-in Speaker"
        self.device = AudioDevice(1, name, "ALSA", 2, 48_000, not self.plugged_in)
        self.fell_back = not self.plugged_in

    def plug_in(self) -> None:
        self.plugged_in = True


@pytest.mark.asyncio
async def test_a_chosen_device_that_comes_back_is_switched_back_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rescans: list[bool] = []
    monkeypatch.setattr(
        "voicelive_desktop.audio.supervisor.reinitialise", lambda: rescans.append(True)
    )
    speaker = ComingBackStream()
    speaker.open(fall_back_to_default=True)
    assert speaker.fell_back
    playing = True
    events: list[AudioDeviceEvent] = []
    supervisor = StreamSupervisor(
        {Direction.OUTPUT: speaker},
        events.append,
        retry_s=0.02,
        stall_s=60,
        max_rescan_s=0.05,
        may_interrupt=lambda: not playing,
    )
    supervisor.start()
    try:
        await asyncio.sleep(0.2)
        assert rescans == [], "no look for the headset while an answer plays"
        playing = False
        await wait_until(lambda: len(rescans) >= 2, 5)
        assert events == [] and speaker.device is not None
        assert speaker.device.name == "Built-in Speaker"
        speaker.plug_in()
        await wait_until(lambda: bool(events), 5)
    finally:
        await supervisor.stop()
    assert events == [AudioDeviceRestored(Direction.OUTPUT, "USB Headset")]
    assert not speaker.fell_back and speaker.is_open


class SystemDefaults:
    """What a platform probe reads: the identity of each direction's system default."""

    def __init__(self) -> None:
        self.ids: dict[Direction, str | None] = {
            Direction.INPUT: "mic-1",
            Direction.OUTPUT: "spk-1",
        }

    def probe(self, direction: Direction) -> str | None:
        return self.ids[direction]


@pytest.mark.asyncio
async def test_streams_on_system_default_follow_a_new_system_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rescans: list[bool] = []
    monkeypatch.setattr(
        "voicelive_desktop.audio.supervisor.reinitialise", lambda: rescans.append(True)
    )
    mic, speaker = StallingStream(), StallingStream()
    mic.device_name = "Desk Mic"  # chosen by name: it does not follow
    defaults = SystemDefaults()
    events: list[AudioDeviceEvent] = []
    supervisor = StreamSupervisor(
        {Direction.INPUT: mic, Direction.OUTPUT: speaker},
        events.append,
        retry_s=0.02,
        stall_s=60,
        may_interrupt=lambda: False,  # an answer plays: the move happens all the same
        default_probe=defaults.probe,
    )
    mic.open()
    speaker.open()
    supervisor.start()
    try:
        await asyncio.sleep(0.1)
        assert rescans == [], "an unchanged default is left alone"
        defaults.ids[Direction.INPUT] = "mic-2"  # the mic is chosen by name: no move
        await asyncio.sleep(0.1)
        assert rescans == []
        defaults.ids[Direction.OUTPUT] = None  # no default for a moment: wait for one
        await asyncio.sleep(0.1)
        assert rescans == []
        defaults.ids[Direction.OUTPUT] = "spk-2"
        await wait_until(lambda: bool(rescans), 5)
        await asyncio.sleep(0.1)
    finally:
        await supervisor.stop()
    assert rescans == [True], "one re-initialisation, then PortAudio knows the new default"
    assert speaker.opened == 2 and speaker.is_open and speaker.kept_queued
    assert mic.opened == 2 and mic.is_open, "reopened after the re-initialisation too"
    assert events == [AudioDefaultFollowed(Direction.OUTPUT, "Hanging USB Mic")]


@pytest.mark.allow_log_warnings(r"system_default: cannot read the system's default")
@pytest.mark.asyncio
async def test_a_failing_default_probe_is_logged_once_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    rescans: list[bool] = []
    monkeypatch.setattr(
        "voicelive_desktop.audio.supervisor.reinitialise", lambda: rescans.append(True)
    )
    speaker = StallingStream()

    def broken(direction: Direction) -> str | None:
        raise OSError("COM is not initialised")

    supervisor = StreamSupervisor(
        {Direction.OUTPUT: speaker}, lambda event: None, retry_s=0.02, default_probe=broken
    )
    speaker.open()
    supervisor.start()
    try:
        await asyncio.sleep(0.2)
    finally:
        await supervisor.stop()
    assert rescans == [] and speaker.opened == 1
    warnings = [r for r in caplog.records if "cannot read the system's default" in r.message]
    assert len(warnings) == 1
