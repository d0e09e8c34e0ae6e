"""Access to sounddevice/PortAudio: a lazy import with a clear error, and re-initialisation."""

from __future__ import annotations

import logging
from types import ModuleType

from voicelive_desktop.audio.errors import AudioUnavailable

log = logging.getLogger(__name__)

# Streams of ours open right now: PortAudio may only be re-initialised with none open.
_open_streams = 0

_NO_PORTAUDIO = (
    "The PortAudio sound library is not installed, so there is no audio. "
    "On Debian or Ubuntu install it with: sudo apt-get install libportaudio2"
)


def sounddevice() -> ModuleType:
    """The sounddevice module; raises AudioUnavailable when PortAudio cannot be loaded.

    Imported lazily: sounddevice loads PortAudio at import and raises a bare OSError when it is
    missing, which must become a sentence rather than a traceback at start-up.
    """
    try:
        import sounddevice as sd_module
    except OSError as error:
        log.warning("cannot load PortAudio: %s", error)
        raise AudioUnavailable(_NO_PORTAUDIO) from error
    module: ModuleType = sd_module
    return module


def reinitialise() -> None:
    """Make PortAudio rescan devices (it lists them once, at initialisation).

    Every open stream becomes invalid, so only call this with all streams closed.
    """
    sd = sounddevice()
    try:
        sd._terminate()
        sd._initialize()
    except sd.PortAudioError as error:
        raise AudioUnavailable(f"The sound system could not be started: {error}.") from error


def stream_opened() -> None:
    """A stream of ours started (`DeviceStream` calls this; it keeps `rescan_when_idle` safe)."""
    global _open_streams
    _open_streams += 1


def stream_closed() -> None:
    global _open_streams
    _open_streams = max(0, _open_streams - 1)


def rescan_when_idle() -> bool:
    """Re-initialise PortAudio so that devices plugged in or removed since show, unless a
    stream is open (a re-initialisation would break it); True when it rescanned."""
    if _open_streams:
        return False
    reinitialise()
    return True
