"""Audio exceptions, each carrying one sentence a person understands."""

from __future__ import annotations


class AudioError(Exception):
    """Base of every audio failure; `str(error)` is a message fit for the user."""


class AudioUnavailable(AudioError):
    """The sound system cannot be used at all (PortAudio missing, no audio server)."""


class AudioDeviceNotFound(AudioError):
    """A device asked for by name is not present, or there is no device of that kind."""


class AudioDeviceFailed(AudioError):
    """A device refused to open or stopped working."""
