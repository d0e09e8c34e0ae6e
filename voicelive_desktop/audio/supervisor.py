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
from voicelive_desktop.audio.events import (
    AudioDefaultFollowed,
    AudioDeviceEvent,
    AudioDeviceLost,
    AudioDeviceRestored,
)
from voicelive_desktop.audio.portaudio import reinitialise
from voicelive_desktop.audio.system_default import DefaultDeviceWatch, DefaultProbe

log = logging.getLogger(__name__)

_KIND = {Direction.INPUT: "microphone", Direction.OUTPUT: "speaker"}


class SupervisedStream(Protocol):
    """What `MicCapture` and `SpeakerPlayback` offer the supervisor."""

    device_name: str | None  # the user's choice; None is the system default
    device: AudioDevice | None  # the device actually open (or last open)
    fell_back: bool  # the chosen device was missing: the default is open instead
    last_callback_at: float

    @property
    def is_open(self) -> bool: ...

    def open(self, fall_back_to_default: bool = False, *, keep_queued: bool = False) -> None: ...

    def close(self, *, keep_queued: bool = False) -> None: ...


class RescanBackoff:
    """When the next full rescan may run: the interval doubles after each, up to a limit."""

    def __init__(self, first_s: float, limit_s: float) -> None:
        self._first_s = first_s
        self._limit_s = limit_s
        self._interval_s = first_s
        self._next_at = 0.0

    def due(self, now: float) -> bool:
        return now >= self._next_at

    def ran(self, now: float) -> None:
        self._next_at = now + self._interval_s
        self._interval_s = min(self._interval_s * 2, self._limit_s)

    def reset(self) -> None:
        self._interval_s = self._first_s
        self._next_at = 0.0


class StreamSupervisor:
    """Watches the streams and brings failed ones back, never raising into the session.

    A stream fails when PortAudio ends it (its finished callback), or when its callbacks stop
    for `stall_s` (a device that hangs instead of erroring). Every `retry_s` the supervisor
    tries again: first the failed stream alone, then - because PortAudio only sees devices
    that appeared or came back after a re-initialisation, which invalidates every stream - all
    streams closed, PortAudio re-initialised, and all reopened (the chosen device by name, else
    the default). While a stream is still working that full cycle interrupts it, so it backs
    off (doubling up to `max_rescan_s`) and waits until `may_interrupt()` says it is harmless
    (no assistant audio playing); with every stream down it runs at each retry.

    With a `default_probe` (Windows, macOS: see audio.system_default) a stream on "System
    default" follows the system's default when the user changes it: at once, even mid-answer
    (the queued audio goes on on the new device), since the user asked for the move.
    """

    def __init__(
        self,
        streams: dict[Direction, SupervisedStream],
        on_event: Callable[[AudioDeviceEvent], None],
        retry_s: float = 1.0,
        stall_s: float = 2.0,
        max_rescan_s: float = 30.0,
        may_interrupt: Callable[[], bool] = lambda: True,
        default_probe: DefaultProbe | None = None,
    ) -> None:
        self._streams = streams
        self._on_event = on_event
        self._retry_s = retry_s
        self._stall_s = stall_s
        self._may_interrupt = may_interrupt
        self._rescans = RescanBackoff(retry_s, max_rescan_s)
        self._failed: dict[Direction, str] = {}
        self._defaults = DefaultDeviceWatch(default_probe) if default_probe else None
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
            elif self._follow_default():
                continue
            elif self._on_fallback():
                self._return_to_chosen()

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
            if self._try_open(direction):
                self._restored(direction)
        if not self._failed:
            return
        working = len(self._failed) < len(self._streams)
        now = time.monotonic()
        if working and not (self._rescans.due(now) and self._may_interrupt()):
            return
        if working:
            self._rescans.ran(now)
        self._reinitialise_and_reopen()

    def _follow_default(self) -> bool:
        """Move the streams on "System default" to a new system default; True if it did."""
        if self._defaults is None:
            return False
        following = [d for d, s in self._streams.items() if s.is_open and s.device_name is None]
        moved = self._defaults.moved(following)
        if not moved:
            return False
        log.info(
            "the system default %s changed; moving to it", " and ".join(_KIND[d] for d in moved)
        )
        self._reinitialise_and_reopen(keep_queued=True)
        for direction in moved:
            device = self._streams[direction].device
            if self._streams[direction].is_open and device is not None:
                self._on_event(AudioDefaultFollowed(direction, device.name))
        return True

    def _on_fallback(self) -> list[Direction]:
        return [d for d, s in self._streams.items() if s.is_open and s.fell_back]

    def _return_to_chosen(self) -> None:
        """A chosen device that was missing may be back (plugged in again): look, and move
        to it. Looking is a rescan, which interrupts every stream, so it waits until that
        is harmless and backs off like the rescans for a failed device."""
        now = time.monotonic()
        if not (self._rescans.due(now) and self._may_interrupt()):
            return
        self._rescans.ran(now)
        self._reinitialise_and_reopen()

    def switched(self, direction: Direction) -> None:
        """The session moved `direction` to another device itself (a live switch)."""
        if direction in self._failed and self._streams[direction].is_open:
            self._restored(direction)

    def rescan(self) -> bool:
        """Look for devices plugged in or removed since the last look, now, if that is
        harmless (it reopens every stream); True when it looked."""
        if self._task is None or not self._may_interrupt():
            return False
        self._reinitialise_and_reopen()
        return True

    def _reinitialise_and_reopen(self, keep_queued: bool = False) -> None:
        """Rescan the sound system (new devices appear only so) and reopen every stream;
        a chosen device found again replaces the default standing in for it.
        `keep_queued`: the answer's audio waiting for the speaker goes on after the reopen."""
        waiting = self._on_fallback()
        for stream in self._streams.values():
            stream.close(keep_queued=keep_queued)
        try:
            reinitialise()
        except AudioError as error:
            log.debug("sound system still unavailable: %s", error)
            return
        if self._defaults is not None:
            self._defaults.initialised()
        for direction, stream in self._streams.items():
            if self._try_open(direction, keep_queued) and direction in self._failed:
                self._restored(direction)
            elif direction not in self._failed and not stream.is_open:
                # A healthy stream closed for the re-initialisation that would not reopen.
                self.report_failure(direction, f"The {_KIND[direction]} could not be reopened.")
            elif direction in waiting and not stream.fell_back and stream.device is not None:
                self._rescans.reset()
                log.info("audio device back: %s %s", direction.value, stream.device.name)
                self._on_event(AudioDeviceRestored(direction, stream.device.name))

    def _try_open(self, direction: Direction, keep_queued: bool = False) -> bool:
        try:
            self._streams[direction].open(fall_back_to_default=True, keep_queued=keep_queued)
        except AudioError as error:
            # The failure itself was reported once (an event and a warning); the retries that
            # follow every second are only worth a debug line, or they fill the log.
            log.debug("%s device not back yet: %s", direction.value, error)
            return False
        return True

    def _restored(self, direction: Direction) -> None:
        del self._failed[direction]
        if not self._failed:
            self._rescans.reset()
        stream = self._streams[direction]
        name = stream.device.name if stream.device else "the default device"
        log.info("audio device restored: %s %s", direction.value, name)
        self._on_event(AudioDeviceRestored(direction, name))
