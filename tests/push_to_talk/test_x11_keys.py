"""Under a real X server: Space reaches push-to-talk past a focused button, and the global
hotkey works through a real pynput listener while another window has focus."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from tests.push_to_talk.x11 import hold, xdotool
from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.session_settings import ConnectionSettings
from voicelive_desktop.settings import AppSettings, PushToTalkMode, PushToTalkSettings
from voicelive_desktop.simulator import VoiceLiveSimulator

pytestmark = [pytest.mark.x11, pytest.mark.asyncio]

CLEAR = "input_audio_buffer.clear"


async def connect(app: AppUnderTest, sim: VoiceLiveSimulator, ptt: PushToTalkSettings) -> None:
    settings = dataclasses.replace(
        AppSettings(), connection=ConnectionSettings(endpoint=sim.endpoint), push_to_talk=ptt
    )
    app.controller.apply_preferences(settings, "")
    app.controller.credentials.use_for_this_run(sim.endpoint, "demo")
    assert await app.controller.connect_configured()


async def test_space_with_a_focused_button_under_x(
    qtbot: QtBot, app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    await connect(app, simulator, PushToTalkSettings(enabled=True, global_hotkey=""))
    await xdotool("windowfocus", "--sync", str(int(app.window.winId())))
    await wait_until(lambda: QApplication.activeWindow() is app.window, what="window active")
    app.window.mute_button.setFocus()
    await wait_until(lambda: app.window.mute_button.hasFocus(), what="button focus")
    await hold("space", 1.2)  # X repeats the press ~14 times meanwhile
    await wait_until(lambda: len(simulator.received_of(CLEAR)) >= 2, what="press and release")
    await app.controller.push_to_talk.turns.wait_idle()
    await asyncio.sleep(0.2)
    assert len(simulator.received_of(CLEAR)) == 2  # one turn: key down, key up (a text session
    # sends no audio, so key up clears instead of committing)
    assert not app.window.mute_button.isChecked(), "the focused button must not take Space"
    assert not app.controller.push_to_talk.mic_open
    await app.controller.shutdown()


async def test_global_hotkey_while_another_window_has_focus(
    qtbot: QtBot, app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    await connect(
        app, simulator, PushToTalkSettings(enabled=True, global_hotkey="<ctrl>+<alt>+<space>")
    )
    binding = app.controller.push_to_talk
    assert binding.hotkey is not None and binding.hotkey.running, binding.hotkey_problem
    other = QLineEdit()
    qtbot.addWidget(other)
    other.show()
    await xdotool("windowfocus", "--sync", str(int(other.winId())))
    await wait_until(lambda: QApplication.activeWindow() is other, what="other window active")
    await hold("ctrl+alt+space", 1.2)
    await wait_until(lambda: len(simulator.received_of(CLEAR)) >= 2, what="press and release")
    await binding.turns.wait_idle()
    await asyncio.sleep(0.2)
    assert len(simulator.received_of(CLEAR)) == 2, "auto-repeat must not start more turns"
    assert not binding.mic_open

    # Toggle mode: one hold opens the turn, the next closes it.
    toggle = dataclasses.replace(app.controller.settings.push_to_talk, mode=PushToTalkMode.TOGGLE)
    app.controller.apply_preferences(
        dataclasses.replace(app.controller.settings, push_to_talk=toggle), ""
    )
    await hold("ctrl+alt+space", 0.3)
    await wait_until(lambda: binding.mic_open, what="toggled on")
    await hold("ctrl+alt+space", 0.3)
    await wait_until(lambda: not binding.mic_open, what="toggled off")
    await app.controller.shutdown()
    assert binding.hotkey is None  # the listener thread is stopped on shutdown


async def test_an_invalid_global_hotkey_is_explained(app_under_test: AppUnderTest) -> None:
    app = app_under_test
    ptt = PushToTalkSettings(enabled=True, global_hotkey="<ctrl>+<nosuchkey>")
    app.controller.apply_preferences(dataclasses.replace(AppSettings(), push_to_talk=ptt), "")
    assert app.controller.push_to_talk.hotkey is None
    assert "unknown key <nosuchkey>" in app.window.error_banner.label.text()
    await app.controller.shutdown()
