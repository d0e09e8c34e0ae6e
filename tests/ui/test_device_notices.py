"""What the window says when a sound device goes, stands in or comes back by itself."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from voicelive_desktop.audio.devices import AudioDevice, Direction
from voicelive_desktop.audio.errors import AudioDeviceFailed
from voicelive_desktop.audio.events import AudioDefaultFollowed, AudioDeviceRestored
from voicelive_desktop.audio.playback import SpeakerPlayback
from voicelive_desktop.device_messages import device_change, stand_in_reported
from voicelive_desktop.engine.events import AudioDeviceChanged, ErrorKind, SessionErrorReported
from voicelive_desktop.ui.main_window import MainWindow


def _speaker(chosen: str | None, open_on: str, fell_back: bool) -> SpeakerPlayback:
    speaker = SpeakerPlayback(lambda level: None, lambda message: None, device_name=chosen)
    speaker.device = AudioDevice(3, open_on, "ALSA", 2, 48_000, fell_back)
    speaker.fell_back = fell_back
    return speaker


def test_the_messages_name_the_device_and_what_the_app_does() -> None:
    gone = _speaker("USB headset", "Built-in speakers", fell_back=True)
    failed = AudioDeviceFailed(
        "The speaker 'USB headset' could not be opened: Unanticipated host error "
        "[PaErrorCode -9999]: 'Input/output error' [ALSA error -5]."
    )
    reported = stand_in_reported(failed, gone)
    assert reported.message == (
        "The speaker 'USB headset' is not available (unplugged, switched off or in use by "
        "another program). The system default, Built-in speakers, is used until it is back."
    )
    assert "PaErrorCode" not in reported.message and not reported.fatal
    stand_in = device_change(AudioDeviceRestored(Direction.OUTPUT, "Built-in speakers"), gone)
    assert stand_in == AudioDeviceChanged(
        "output",
        "The speaker 'USB headset' is not available; the system default, Built-in speakers, "
        "is used until it is back.",
        resolved=False,
    )
    back = _speaker("USB headset", "USB headset", fell_back=False)
    assert device_change(AudioDeviceRestored(Direction.OUTPUT, "USB headset"), back) == (
        AudioDeviceChanged("output", "The speaker works again, on USB headset.", resolved=True)
    )
    following = _speaker(None, "AirPods", fell_back=False)
    assert device_change(AudioDefaultFollowed(Direction.OUTPUT, "AirPods"), following) == (
        AudioDeviceChanged(
            "output", "The speaker moved to the new system default, AirPods.", resolved=True
        )
    )


def test_the_banner_shows_the_stand_in_and_clears_when_the_device_is_back(
    qtbot: QtBot,
) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    lost = "The speaker 'USB headset' stopped working. It is reopened as soon as it works again."
    window.show_event(SessionErrorReported(ErrorKind.AUDIO_DEVICE, lost, fatal=False))
    assert window.error_banner.isVisible() and window.error_banner.message == lost
    stand_in = "The speaker 'USB headset' is not available; the system default is used."
    window.show_event(AudioDeviceChanged("output", stand_in, resolved=False))
    assert window.error_banner.isVisible() and window.error_banner.message == stand_in
    window.show_event(AudioDeviceChanged("output", "The speaker works again.", resolved=True))
    assert not window.error_banner.isVisible()
    assert window.statusBar().currentMessage() == "The speaker works again."
    # Another kind of error is left alone by a device coming back.
    window.show_event(SessionErrorReported(ErrorKind.SERVER_ERROR, "The service failed.", False))
    window.show_event(AudioDeviceChanged("output", "The speaker works again.", resolved=True))
    assert window.error_banner.isVisible() and window.error_banner.message == "The service failed."
