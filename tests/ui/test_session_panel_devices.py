"""The microphone and speaker pickers: in the session panel and Preferences alike, switching
the live session's devices without reconnecting, and listing the devices there are now."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.fixtures.virtual_audio import VirtualAudio
from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.audio.devices import Direction, list_devices
from voicelive_desktop.settings import AppSettings, AudioSettings
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.device_picker import SYSTEM_DEFAULT_DEVICE, DeviceCombo, use_device_lister
from voicelive_desktop.ui.session_panel import ApplyStatus, SessionPanel
from voicelive_desktop.ui.sessions import voice_session_factory


def _entries(combo: DeviceCombo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_the_panel_lists_the_devices_there_are_when_the_menu_opens(
    qtbot: QtBot, named_devices: list[bool]
) -> None:
    settings = AppSettings(audio=AudioSettings(output_device="USB headset"))
    panel = SessionPanel(settings)
    qtbot.addWidget(panel)
    panel.show()
    mic = panel.editors["input_device"].focus
    speaker = panel.editors["output_device"].focus
    assert isinstance(mic, DeviceCombo) and isinstance(speaker, DeviceCombo)
    # Built without asking the sound system: the choice only, until the menu opens.
    assert not named_devices
    assert _entries(mic) == [SYSTEM_DEFAULT_DEVICE]
    assert _entries(speaker) == [SYSTEM_DEFAULT_DEVICE, "USB headset (not connected)"]
    speaker.showPopup()
    speaker.hidePopup()
    assert named_devices == [True], "opening the menu looks for new devices"
    assert _entries(speaker) == [
        SYSTEM_DEFAULT_DEVICE,
        "speaker",
        "headset",
        "USB headset (not connected)",
    ]
    assert speaker.currentText() == "USB headset (not connected)", "the choice is kept"
    assert panel.current_settings().audio.output_device == "USB headset"
    mic.setFocus()
    qtbot.waitUntil(lambda: _entries(mic) == [SYSTEM_DEFAULT_DEVICE, "mic"])
    assert named_devices[-1] is False, "focus lists without the costly rescan"


def test_a_device_chosen_in_the_panel_is_saved_and_shown_in_preferences(
    app_under_test: AppUnderTest,
) -> None:
    # The controller made the pickers ask its session; this machine may have no devices.
    use_device_lister(lambda rescan: (["mic"], ["speaker", "headset"]))
    app = app_under_test
    preferences = app.controller.open_preferences()
    speaker = app.window.session_panel.editors["output_device"]
    speaker.focus.refresh()
    speaker.enter("headset")
    app.window.session_panel.flush_edits()
    assert app.window.session_panel.status is ApplyStatus.SAVED
    assert app.controller.settings.audio.output_device == "headset"
    assert preferences.editors["output_device"].value() == "headset"
    # And back: Preferences applied shows in the panel.
    preferences.editors["input_device"].enter("mic")
    preferences.apply()
    assert app.window.session_panel.editors["input_device"].value() == "mic"
    assert app.store.load().settings.audio.input_device == "mic"
    preferences.reject()


def _other(direction: Direction, current: str) -> str:
    names = [d.name for d in list_devices(direction)]
    others = [n for n in ("pulse", "default") if n in names and n != current]
    if not others:
        pytest.skip(f"no second {direction.value} device to switch to: {names}")
    return others[0]


@pytest.mark.audio
@pytest.mark.asyncio
async def test_a_device_chosen_in_the_panel_switches_the_live_session_without_reconnecting(
    qtbot: QtBot,
    isolated_env: Path,
    virtual_audio: VirtualAudio,
    simulator: VoiceLiveSimulator,
) -> None:
    app = AppUnderTest(qtbot, isolated_env, voice_session_factory())
    await app.connect_to(simulator)
    session = app.voice_session
    assert session.playback.device is not None and session.capture.device is not None
    new_out = _other(Direction.OUTPUT, session.playback.device.name)
    new_in = _other(Direction.INPUT, session.capture.device.name)
    panel = app.window.session_panel
    speaker = panel.editors["output_device"].focus
    mic = panel.editors["input_device"].focus
    assert isinstance(speaker, DeviceCombo) and isinstance(mic, DeviceCombo)
    # The menus list what the live session sees, "System default" first.
    speaker.refresh(rescan=True)
    mic.refresh(rescan=True)
    assert _entries(speaker)[0] == SYSTEM_DEFAULT_DEVICE and new_out in _entries(speaker)
    speaker.setCurrentIndex(speaker.findData(new_out))
    mic.setCurrentIndex(mic.findData(new_in))
    panel.flush_edits()
    await wait_until(lambda: panel.status is ApplyStatus.APPLIED, what="the switch")
    assert app.controller.adapter.session is session, "the same session goes on"
    assert len(simulator.sessions) == 1, "no reconnect"
    assert session.playback.device is not None and session.playback.device.name == new_out
    assert session.capture.device is not None and session.capture.device.name == new_in
    await wait_until(lambda: session.playback.is_open and session.capture.is_open)
    # Back to the system default, from the panel again.
    speaker.setCurrentIndex(speaker.findData(""))
    panel.flush_edits()
    await wait_until(lambda: session.playback.device_name is None, what="back to the default")
    assert session.playback.is_open
    await app.controller.shutdown()
    saved = app.store.load().settings.audio
    assert (saved.input_device, saved.output_device) == (new_in, "")
