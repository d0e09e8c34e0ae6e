"""Typed facts about the sound devices, reported by the stream supervisor."""

from __future__ import annotations

from dataclasses import dataclass

from voicelive_desktop.audio.devices import Direction


@dataclass(frozen=True)
class AudioDeviceLost:
    """A stream failed; the supervisor keeps trying to reopen it."""

    direction: Direction
    device_name: str
    message: str  # one sentence a person understands


@dataclass(frozen=True)
class AudioDeviceRestored:
    """A lost stream is running again, on `device_name` (the same device or the default)."""

    direction: Direction
    device_name: str


@dataclass(frozen=True)
class AudioDefaultFollowed:
    """The system's default device changed, and the stream on "System default" moved to it."""

    direction: Direction
    device_name: str


AudioDeviceEvent = AudioDeviceLost | AudioDeviceRestored | AudioDefaultFollowed
