"""Keeps the mic and speaker streams alive: notices failures and reopens the devices."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Protocol

from voicelive_desktop.audio.devices import AudioDevice, Direction
from voicelive_desktop.audio.errors import AudioError
from voicelive_desktop.audio.events import AudioDeviceEvent, AudioDeviceLost, AudioDeviceRestored
from voicelive_desktop.audio.portaudio import reinitialise

log = logging.getLogger(__name__)

_KIND = {Direction.INPUT: "microphone", Direction.OUTPUT: "speaker"}


class SupervisedStream(Protocol):
    """What `MicCapture` and `SpeakerPlayback` offer the supervisor."""

    device_name: str | None  # the user's choice; None is the system default
    device: AudioDevice | None  # the device actually open (or last open)
    last_callback_at: float

    @property
    def is_open(self) -> bool: ...

    def open(self, fall_back_to_default: bool = False) -> None: ...

    def close(self) -> None: ...


class StreamSupervisor:
    """Watches the streams and brings failed ones back, never raising into the session.

    A stream fails when PortAudio ends it (its finished callback), or when its callbacks stop
    for `stall_s` (a device that hangs instead of erroring). Every `retry_s` the supervisor
    tries again: first the failed stream alone, then - because PortAudio only sees devices
    that appeared or came back after a re-initialisation, which invalidates every stream - all
    streams closed, PortAudio re-initialised, and all reopened (the chosen device by name, else
    the default).
    """

    def __init__(
        self,
        streams: dict[Direction, SupervisedStream],
        on_event: Callable[[AudioDeviceEvent], None],
        retry_s: float = 1.0,
        stall_s: float = 2.0,
    ) -> None:
        self._streams = streams
        self._on_event = on_event
        self._retry_s = retry_s
        self._stall_s = stall_s
        self._failed: dict[Direction, str] = {}
        self._task: asyncio.Task[None] | None = None

    @property
    def failed(self) -> set[Direction]:
        """Directions whose stream is down right now."""
        return set(self._failed)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._watch(), name="audio-supervisor"
            )

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def report_failure(self, direction: Direction, message: str) -> None:
        """A stream says it stopped working (loop thread)."""
        if direction in self._failed:
            return
        stream = self._streams[direction]
        stream.close()
        self._failed[direction] = message
        log.warning("audio device lost: %s", message)
        name = stream.device_name or "the default device"
        self._on_event(AudioDeviceLost(direction, name, message))

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(min(self._retry_s, self._stall_s / 2))
            self._check_stalls()
            if self._failed:
                self._reopen()

    def _check_stalls(self) -> None:
        now = time.monotonic()
        for direction, stream in self._streams.items():
            if stream.is_open and now - stream.last_callback_at > self._stall_s:
                self.report_failure(
                    direction,
                    f"The {_KIND[direction]} stopped delivering audio for "
                    f"{self._stall_s:g} seconds.",
                )

    def _reopen(self) -> None:
        for direction in list(self._failed):
            if self._try_open(direction, quiet=True):
                self._restored(direction)
        if not self._failed:
            return
        for stream in self._streams.values():
            stream.close()
        try:
            reinitialise()
        except AudioError as error:
            log.info("sound system still unavailable: %s", error)
            return
        for direction in self._streams:
            if self._try_open(direction, quiet=False) and direction in self._failed:
                self._restored(direction)
            elif direction not in self._failed and not self._streams[direction].is_open:
                # A healthy stream closed for the re-initialisation that would not reopen.
                self.report_failure(direction, f"The {_KIND[direction]} could not be reopened.")

    def _try_open(self, direction: Direction, quiet: bool) -> bool:
        try:
            self._streams[direction].open(fall_back_to_default=True)
        except AudioError as error:
            if not quiet:
                log.info("%s device not back yet: %s", direction.value, error)
            return False
        return True

    def _restored(self, direction: Direction) -> None:
        del self._failed[direction]
        stream = self._streams[direction]
        name = stream.device.name if stream.device else "the default device"
        log.info("audio device restored: %s %s", direction.value, name)
        self._on_event(AudioDeviceRestored(direction, name))
