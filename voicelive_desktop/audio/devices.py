"""Listing audio devices and choosing one by name (stable across restarts) or the default."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from typing import Any

from voicelive_desktop.audio.errors import AudioDeviceNotFound, AudioUnavailable
from voicelive_desktop.audio.portaudio import sounddevice

log = logging.getLogger(__name__)


class Direction(str, enum.Enum):
    """Which way audio flows through a device."""

    INPUT = "input"
    OUTPUT = "output"


@dataclass(frozen=True)
class AudioDevice:
    """One PortAudio device as seen in one direction."""

    index: int
    name: str
    host_api: str
    channels: int  # maximum channels in this direction
    default_rate: int
    is_default: bool

    @property
    def label(self) -> str:
        """What a device menu shows (the name is what settings store)."""
        return f"{self.name} ({self.host_api})"


def _channel_key(direction: Direction) -> str:
    return "max_input_channels" if direction is Direction.INPUT else "max_output_channels"


def _default_index(direction: Direction) -> int:
    sd = sounddevice()
    default = sd.default.device[0 if direction is Direction.INPUT else 1]
    return int(default) if default is not None else -1


def list_devices(direction: Direction) -> list[AudioDevice]:
    """Every device that can carry audio in `direction`, in PortAudio's order."""
    sd = sounddevice()
    try:
        raw: list[dict[str, Any]] = list(sd.query_devices())
        host_apis = [str(api["name"]) for api in sd.query_hostapis()]
    except sd.PortAudioError as error:
        raise AudioUnavailable(f"The sound system cannot list devices: {error}.") from error
    default = _default_index(direction)
    key = _channel_key(direction)
    return [
        AudioDevice(
            index=index,
            name=str(info["name"]),
            host_api=host_apis[int(info["hostapi"])],
            channels=int(info[key]),
            default_rate=int(info["default_samplerate"]),
            is_default=index == default,
        )
        for index, info in enumerate(raw)
        if int(info[key]) > 0
    ]


def find_device(direction: Direction, name: str | None = None) -> AudioDevice:
    """The device called `name` (exact, else the only one containing it), or the default.

    Names, not indices, are what settings keep: indices change whenever a device comes or goes.
    """
    devices = list_devices(direction)
    kind = "microphone" if direction is Direction.INPUT else "speaker"
    if not devices:
        raise AudioDeviceNotFound(f"No {kind} was found. Connect one and try again.")
    if name is None:
        for device in devices:
            if device.is_default:
                return device
        return devices[0]
    exact = [device for device in devices if device.name == name]
    if exact:
        return exact[0]
    partial = [device for device in devices if name.lower() in device.name.lower()]
    if len(partial) == 1:
        return partial[0]
    available = ", ".join(device.name for device in devices)
    if partial:
        raise AudioDeviceNotFound(
            f"The {kind} name {name!r} matches several devices; choose one of: {available}."
        )
    raise AudioDeviceNotFound(f"There is no {kind} called {name!r}; available: {available}.")


def is_chosen(device: AudioDevice, name: str | None) -> bool:
    """True when `device` is what the choice `name` means (None: the default, any device)."""
    return name is None or device.name == name or name.lower() in device.name.lower()


def choose_device(
    direction: Direction, name: str | None, fall_back_to_default: bool
) -> AudioDevice:
    """`find_device`, optionally settling for the default when the named device is gone."""
    try:
        return find_device(direction, name)
    except AudioDeviceNotFound:
        if name is None or not fall_back_to_default:
            raise
        log.warning("%s device %r is gone; using the default", direction.value, name)
        return find_device(direction, None)
