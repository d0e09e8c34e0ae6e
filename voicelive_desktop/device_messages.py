"""What the user is told about the sound devices when they change by themselves."""

from __future__ import annotations

from voicelive_desktop.audio.capture import MicCapture
from voicelive_desktop.audio.errors import AudioDeviceNotFound, AudioError
from voicelive_desktop.audio.events import AudioDefaultFollowed, AudioDeviceRestored
from voicelive_desktop.audio.playback import SpeakerPlayback
from voicelive_desktop.engine.events import AudioDeviceChanged, ErrorKind, SessionErrorReported

Stream = MicCapture | SpeakerPlayback


def stand_in_reported(error: AudioError, stream: Stream) -> SessionErrorReported:
    """The chosen device is missing or would not open, and the default opened instead.

    PortAudio's own words ("Unanticipated host error [PaErrorCode -9999]") go to the log; the
    user reads what happened and what the app does about it.
    """
    default = stream.device.name if stream.device else "the default"
    problem = (
        str(error)
        if isinstance(error, AudioDeviceNotFound)
        else f"The {stream.noun} {stream.device_name!r} is not available (unplugged, "
        "switched off or in use by another program)."
    )
    return SessionErrorReported(
        ErrorKind.AUDIO_DEVICE,
        f"{problem} The system default, {default}, is used until it is back.",
        fatal=False,
    )


def device_change(
    event: AudioDeviceRestored | AudioDefaultFollowed, stream: MicCapture | SpeakerPlayback
) -> AudioDeviceChanged:
    """What the user is told when a device came back, stood in or was followed."""
    source = event.direction.value
    if isinstance(event, AudioDefaultFollowed):
        message = f"The {stream.noun} moved to the new system default, {event.device_name}."
        return AudioDeviceChanged(source, message, resolved=True)
    if stream.fell_back and stream.device_name:
        message = (
            f"The {stream.noun} {stream.device_name!r} is not available; the system default, "
            f"{event.device_name}, is used until it is back."
        )
        return AudioDeviceChanged(source, message, resolved=False)
    return AudioDeviceChanged(
        source, f"The {stream.noun} works again, on {event.device_name}.", resolved=True
    )
