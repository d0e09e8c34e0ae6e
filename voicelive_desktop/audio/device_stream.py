"""What the microphone and speaker streams share: a stream's start, close and unwanted stop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, ClassVar

from voicelive_desktop.audio.devices import (
    AudioDevice,
    Direction,
    choose_device,
    find_device,
    is_chosen,
)
from voicelive_desktop.audio.errors import AudioDeviceFailed
from voicelive_desktop.audio.portaudio import sounddevice, stream_closed, stream_opened

log = logging.getLogger(__name__)

FailureListener = Callable[[str], None]

# What sound servers (PulseAudio, PipeWire, CoreAudio, WASAPI shared mode) and most hardware run
# at. PortAudio reports 44.1 kHz for ALSA's "default"/"pulse" devices, and a stream opened at
# that rate makes the server resample both ways, runs unpaced after every (re)start flagging
# underflows, and costs us a 147:80 resampler instead of a 2:1 one.
PREFERRED_RATE_HZ = 48_000


class DeviceStream:
    """Owns the life of one PortAudio stream and its hand-over to the asyncio loop.

    Subclasses build the stream in `open` and call `_start`; their PortAudio callbacks hand
    work to the loop with `_post`. A stop nobody asked for (the device vanished) reaches
    `on_failure` once, on the loop, as one sentence naming the device.
    """

    noun: ClassVar[str]  # what the user calls the device: "microphone", "speaker"
    direction: ClassVar[Direction]

    def __init__(self, on_failure: FailureListener, device_name: str | None) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._on_failure = on_failure
        self.device_name = device_name
        self.device: AudioDevice | None = None
        # The chosen device was missing and the default is open instead (for now).
        self.fell_back = False
        self._stream: Any = None
        self._closing = False
        self.last_callback_at = 0.0

    @property
    def is_open(self) -> bool:
        return self._stream is not None

    def _begin_open(self, fall_back_to_default: bool) -> AudioDevice:
        """Close any open stream, bind to the running loop and pick the device to open.

        `fall_back_to_default`: when the chosen device is gone, use the default instead of
        raising AudioDeviceNotFound (for reopening after a failure).
        """
        self.close()
        self._loop = asyncio.get_running_loop()
        device = choose_device(self.direction, self.device_name, fall_back_to_default)
        self.fell_back = not is_chosen(device, self.device_name)
        return device

    def _open_chosen(
        self, fall_back_to_default: bool, open_on: Callable[[AudioDevice], None]
    ) -> None:
        """Pick the device (`_begin_open`) and open it with `open_on`. With
        `fall_back_to_default`, a chosen device that is listed but will not open - it went
        away since the list was read (PortAudio's list is fixed until it re-initialises, and a
        sound server may keep the name), or another program holds it - gives way to the
        default too, and the supervisor keeps looking for it."""
        device = self._begin_open(fall_back_to_default)
        try:
            open_on(device)
        except AudioDeviceFailed as error:
            if not fall_back_to_default or self.fell_back or self.device_name is None:
                raise
            default = find_device(self.direction, None)
            if default.index == device.index:
                raise
            # Info, not a warning: the session reports the stand-in once, and the supervisor's
            # rescans looking for the device come through here again each time.
            log.info("%s; using the default, %r, until it is back", error, default.name)
            self.fell_back = True
            open_on(default)

    def _rate_for(self, device: AudioDevice, channels: int) -> int:
        """48 kHz when the device takes it, else the rate it reports as its default."""
        sd = sounddevice()
        check = (
            sd.check_input_settings
            if self.direction is Direction.INPUT
            else (sd.check_output_settings)
        )
        try:
            check(device=device.index, channels=channels, samplerate=PREFERRED_RATE_HZ)
        except (sd.PortAudioError, ValueError):
            return device.default_rate
        return PREFERRED_RATE_HZ

    def _start(self, stream: Any, device: AudioDevice) -> None:
        """Start `stream` as the open one; closes it and raises AudioDeviceFailed if it fails."""
        sd = sounddevice()
        self._closing = False
        try:
            stream.start()
        except sd.PortAudioError as error:
            stream.close(ignore_errors=True)
            raise AudioDeviceFailed(
                f"The {self.noun} {device.name!r} could not be started: {error}."
            ) from error
        self._stream = stream
        self.device = device
        stream_opened()

    def close(self, *, keep_queued: bool = False) -> None:
        """Stop and close the stream; safe to call when it is closed or already failed.
        (`keep_queued` is for the speaker's queued audio; see `SpeakerPlayback.close`.)"""
        stream, self._stream = self._stream, None
        if stream is None:
            return
        stream_closed()
        self._closing = True
        try:
            stream.abort(ignore_errors=True)
            stream.close(ignore_errors=True)
        except Exception:  # a vanished device can fail in ways PortAudio does not type
            log.warning("closing the %s stream failed", self.noun, exc_info=True)

    def _post(self, callback: Callable[..., None], *args: Any) -> bool:
        """Run `callback(*args)` on the loop (from the PortAudio thread); False once it is gone."""
        loop = self._loop
        if loop is None:
            return False
        try:
            loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:  # the loop is closed: the session is over
            return False
        return True

    def _finished(self) -> None:
        # Called on the PortAudio thread when the stream stops, wanted or not.
        if not self._closing:
            self._post(self._report_stopped)

    def _report_stopped(self) -> None:
        if self._stream is not None and not self._closing:
            name = self.device.name if self.device else self.noun
            self._on_failure(f"The {self.noun} {name!r} stopped working.")
