"""The window's push-to-talk inputs (offscreen QTest) driving a session on the simulator."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.events import SessionState
from voicelive_desktop.engine.session_settings import ConnectionSettings
from voicelive_desktop.push_to_talk.global_hotkey import WAYLAND_MESSAGE
from voicelive_desktop.settings import AppSettings, PushToTalkMode, PushToTalkSettings
from voicelive_desktop.simulator import VoiceLiveSimulator

pytestmark = pytest.mark.asyncio

CLEAR = "input_audio_buffer.clear"


async def connected(app: AppUnderTest, sim: VoiceLiveSimulator, ptt: PushToTalkSettings) -> None:
    """Push-to-talk preferences applied, then connected to `sim`, with the window active."""
    settings = dataclasses.replace(
        AppSettings(),
        connection=ConnectionSettings(endpoint=sim.endpoint),
        push_to_talk=dataclasses.replace(ptt, global_hotkey=""),  # the X11 tests cover it
    )
    app.controller.apply_preferences(settings, "")
    app.controller.credentials.use_for_this_run(sim.endpoint, "demo")
    assert await app.controller.connect_configured()
    app.window.activateWindow()
    await wait_until(lambda: QApplication.activeWindow() is app.window, what="active window")


def repeat(widget: object, key: Qt.Key) -> None:
    """An auto-repeated key press, as X sends them while a key is held."""
    event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, " ", True)
    QApplication.sendEvent(widget, event)  # type: ignore[arg-type]


async def test_space_held_on_a_focused_button_is_one_turn(
    qtbot: QtBot, app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    await connected(app, simulator, PushToTalkSettings(enabled=True))
    assert simulator.session_config is not None
    assert simulator.session_config["turn_detection"] is None
    button = app.window.mute_button
    button.setFocus()
    qtbot.keyPress(button, Qt.Key.Key_Space)
    for _ in range(5):
        repeat(button, Qt.Key.Key_Space)
    await wait_until(lambda: len(simulator.received_of(CLEAR)) == 1, what="clear")
    await wait_until(lambda: app.window.session_state is SessionState.USER_SPEAKING)
    assert app.controller.push_to_talk.mic_open
    qtbot.keyRelease(button, Qt.Key.Key_Space)
    # A text session sends no audio, so this is a tap: the buffer is cleared, no response.
    await wait_until(lambda: len(simulator.received_of(CLEAR)) == 2, what="second clear")
    await app.controller.push_to_talk.turns.wait_idle()
    assert simulator.received_of("input_audio_buffer.commit") == []
    assert not button.isChecked()  # the filter consumed Space: the button did not toggle
    assert not app.controller.push_to_talk.mic_open
    await wait_until(lambda: app.window.session_state is SessionState.READY)
    await app.controller.shutdown()


async def test_space_in_the_message_box_types_and_talks_not(
    qtbot: QtBot, app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    await connected(app, simulator, PushToTalkSettings(enabled=True))
    app.window.message_box.setFocus()
    qtbot.keyClicks(app.window.message_box, "a b")
    await asyncio.sleep(0.2)
    assert app.window.message_box.text() == "a b"
    assert simulator.received_of(CLEAR) == []
    await app.controller.shutdown()


async def test_toggle_mode_button_and_key(
    qtbot: QtBot, app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    await connected(
        app, simulator, PushToTalkSettings(enabled=True, mode=PushToTalkMode.TOGGLE, key="F9")
    )
    assert app.window.push_to_talk_button.text() == "Talk"
    app.window.send_button.setFocus()
    qtbot.keyClick(app.window.send_button, Qt.Key.Key_F9)
    await wait_until(lambda: app.controller.push_to_talk.mic_open, what="mic open")
    assert app.window.push_to_talk_button.text() == "Send"
    await wait_until(lambda: len(simulator.received_of(CLEAR)) == 1, what="clear")
    qtbot.mouseClick(app.window.push_to_talk_button, Qt.MouseButton.LeftButton)
    await wait_until(lambda: len(simulator.received_of(CLEAR)) == 2, what="closed by button")
    assert not app.controller.push_to_talk.mic_open
    await app.controller.shutdown()


async def test_hands_free_hides_the_button_and_makes_no_manual_turns(
    qtbot: QtBot, app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    await connected(app, simulator, PushToTalkSettings(enabled=False))
    button = app.window.push_to_talk_button
    assert not button.isVisibleTo(app.window)
    # The window's hold gesture (what the button would send) and the key do nothing.
    app.window.push_to_talk_pressed.emit()
    app.window.mute_button.setFocus()
    qtbot.keyClick(app.window.mute_button, Qt.Key.Key_Space)
    app.window.push_to_talk_released.emit()
    await app.controller.push_to_talk.turns.wait_idle()
    assert not app.controller.push_to_talk.turns.is_open
    # Turned on live, the button is there and a hold is a manual turn on the server.
    on = dataclasses.replace(app.controller.settings, push_to_talk=PushToTalkSettings(True))
    app.controller.apply_preferences(
        dataclasses.replace(
            on, push_to_talk=dataclasses.replace(on.push_to_talk, global_hotkey="")
        ),
        "",
    )
    assert button.isVisibleTo(app.window)
    await wait_until(lambda: len(simulator.received_of("session.update")) == 2, what="VAD off")
    qtbot.mousePress(button, Qt.MouseButton.LeftButton)
    await wait_until(lambda: len(simulator.received_of(CLEAR)) == 1, what="the turn's clear")
    qtbot.mouseRelease(button, Qt.MouseButton.LeftButton)
    await wait_until(lambda: len(simulator.received_of(CLEAR)) == 2, what="the tap's clear")
    # Nothing but the two configurations and this one turn reached the server.
    kinds = [e.type for e in simulator.received_events]
    assert kinds == ["session.update", "session.update", CLEAR, CLEAR]
    await app.controller.shutdown()


async def test_switching_modes_live_turns_vad_off_and_back_on(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    await connected(app, simulator, PushToTalkSettings(enabled=False))
    vad = simulator.received_of("session.update")[0]["session"]["turn_detection"]
    assert vad["type"] == "server_vad"
    on = dataclasses.replace(app.controller.settings, push_to_talk=PushToTalkSettings(True))
    app.controller.apply_preferences(
        dataclasses.replace(
            on, push_to_talk=dataclasses.replace(on.push_to_talk, global_hotkey="")
        ),
        "",
    )
    await wait_until(lambda: len(simulator.received_of("session.update")) == 2, what="ptt on")
    assert simulator.received_of("session.update")[1]["session"]["turn_detection"] is None
    off = dataclasses.replace(app.controller.settings, push_to_talk=PushToTalkSettings(False))
    app.controller.apply_preferences(off, "")
    await wait_until(lambda: len(simulator.received_of("session.update")) == 3, what="ptt off")
    assert simulator.received_of("session.update")[2]["session"]["turn_detection"] == vad
    await app.controller.shutdown()


async def test_not_connected_says_so(qtbot: QtBot, app_under_test: AppUnderTest) -> None:
    app = app_under_test
    settings = dataclasses.replace(
        AppSettings(), push_to_talk=PushToTalkSettings(enabled=True, global_hotkey="")
    )
    app.controller.apply_preferences(settings, "")
    # The button is disabled while offline; the key still answers.
    app.window.activateWindow()
    await wait_until(lambda: QApplication.activeWindow() is app.window, what="active window")
    app.window.mute_button.setFocus()
    qtbot.keyClick(app.window.mute_button, Qt.Key.Key_Space)
    assert "Not connected" in app.window.error_banner.label.text()


async def test_wayland_falls_back_to_the_window_key_and_says_why(
    qtbot: QtBot, app_under_test: AppUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    app = app_under_test
    settings = dataclasses.replace(AppSettings(), push_to_talk=PushToTalkSettings(enabled=True))
    app.controller.apply_preferences(settings, "")
    binding = app.controller.push_to_talk
    assert binding.hotkey is None
    assert binding.hotkey_problem == WAYLAND_MESSAGE
    assert "voicelive-desktop --ptt toggle" in app.window.error_banner.label.text()
    await app.controller.shutdown()


async def test_release_closes_the_turn_after_focus_moved_to_the_text_box(
    qtbot: QtBot, app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    await connected(app, simulator, PushToTalkSettings(enabled=True))
    app.window.mute_button.setFocus()
    qtbot.keyPress(app.window.mute_button, Qt.Key.Key_Space)
    await wait_until(lambda: app.controller.push_to_talk.mic_open, what="mic open")
    app.window.message_box.setFocus()
    qtbot.keyRelease(app.window.message_box, Qt.Key.Key_Space)
    await wait_until(lambda: not app.controller.push_to_talk.mic_open, what="mic closed")
    await wait_until(lambda: len(simulator.received_of(CLEAR)) == 2, what="turn ended")
    await app.controller.shutdown()
