"""Main window: state indicator, connect button, error banner, latency, meters, gestures."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from voicelive_desktop.engine.events import (
    AudioLevelMeasured,
    ErrorKind,
    ReconnectScheduled,
    SessionErrorReported,
    SessionState,
    SessionStateChanged,
    TurnLatencyMeasured,
    UserTextSent,
)
from voicelive_desktop.settings import Theme
from voicelive_desktop.ui.main_window import MainWindow
from voicelive_desktop.ui.theme import apply_theme
from voicelive_desktop.ui.window_menus import preferences_shortcuts


def _window(qtbot: QtBot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    return window


def _go(window: MainWindow, state: SessionState) -> None:
    window.show_event(SessionStateChanged(state, window.session_state))


def test_states_drive_indicator_and_controls(qtbot: QtBot) -> None:
    window = _window(qtbot)
    assert window.state_indicator.text == "Offline"
    assert window.connect_button.text() == "Connect"
    assert not window.send_button.isEnabled()
    _go(window, SessionState.CONNECTING)
    assert window.connect_button.text() == "Disconnect"
    _go(window, SessionState.READY)
    assert window.state_indicator.text == "Listening"
    assert window.send_button.isEnabled()
    for state, words in [
        (SessionState.USER_SPEAKING, "You are speaking"),
        (SessionState.THINKING, "Thinking…"),
        (SessionState.ASSISTANT_SPEAKING, "Assistant speaking"),
    ]:
        _go(window, state)
        assert window.state_indicator.text == words
    window.show_event(ReconnectScheduled(attempt=2, delay_s=0.5))
    _go(window, SessionState.RECONNECTING)
    assert window.state_indicator.text == "Reconnecting (attempt 2)…"
    _go(window, SessionState.DISCONNECTED)
    assert window.connect_button.text() == "Connect"


def test_error_banner_shows_the_engine_message_and_dismisses(qtbot: QtBot) -> None:
    window = _window(qtbot)
    message = "The Voice Live service at 'x.example' rejected the API key."
    window.show_event(SessionErrorReported(ErrorKind.CREDENTIALS_REJECTED, message, fatal=True))
    _go(window, SessionState.DISCONNECTED)
    assert window.error_banner.isVisible()
    assert window.error_banner.message == message
    assert window.state_indicator.text == "Error"  # not hidden by the disconnect that follows
    qtbot.mouseClick(window.error_banner.close_button, Qt.MouseButton.LeftButton)
    assert not window.error_banner.isVisible()


def test_latency_and_meters(qtbot: QtBot) -> None:
    window = _window(qtbot)
    _go(window, SessionState.READY)
    window.show_event(TurnLatencyMeasured(latency_ms=642.4))
    assert window.latency_label.text() == "Last turn: 642 ms"
    window.show_event(AudioLevelMeasured("input", -20.0, -8.0))
    window.show_event(AudioLevelMeasured("output", -30.0, -12.0))
    assert window.mic_meter.level_db == -20.0
    assert window.speaker_meter.level_db == -30.0
    _go(window, SessionState.DISCONNECTED)
    assert not window.mic_meter.animating


def test_typed_message_and_push_to_talk_become_intents(qtbot: QtBot) -> None:
    window = _window(qtbot)
    sent: list[str] = []
    window.text_submitted.connect(sent.append)
    window.message_box.setText("ignored while offline")
    window.message_box.returnPressed.emit()
    assert sent == []
    _go(window, SessionState.READY)
    window.message_box.setText("  hello there  ")
    qtbot.keyClick(window.message_box, Qt.Key.Key_Return)
    assert sent == ["hello there"]
    assert window.message_box.text() == ""
    presses: list[str] = []
    window.push_to_talk_pressed.connect(lambda: presses.append("down"))
    window.push_to_talk_released.connect(lambda: presses.append("up"))
    qtbot.mousePress(window.push_to_talk_button, Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(window.push_to_talk_button, Qt.MouseButton.LeftButton)
    assert presses == ["down", "up"]
    window.show_event(UserTextSent("u1", "hello there"))
    assert "hello there" in window.transcript.conversation_text()


def test_demo_label_and_preferences_shortcut(qtbot: QtBot) -> None:
    window = _window(qtbot)
    window.set_demo(True)
    assert window.demo_badge.isVisible()
    assert "demo" in window.windowTitle()
    assert window.preferences_action.shortcuts()
    assert preferences_shortcuts()[0] != QKeySequence()
    opened: list[bool] = []
    window.preferences_requested.connect(lambda: opened.append(True))
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert opened == [True]
    assert window.help_menu.actions()  # the seam issue 7 adds to


def test_switching_to_dark_recolours_transcript_and_meters(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = _window(qtbot)
    window.show_event(UserTextSent("u1", "hello"))
    try:
        apply_theme(app, Theme.DARK)
        assert window.palette().color(QPalette.ColorRole.Base).lightness() < 128
        cursor = window.transcript.document().find("hello")
        assert cursor.charFormat().foreground().color().lightness() > 128  # light text
        image = window.mic_meter.grab().toImage()
        groove = image.pixelColor(image.width() // 2, image.height() // 2)
        assert groove != window.palette().color(QPalette.ColorRole.Window)  # still visible
    finally:
        apply_theme(app, Theme.LIGHT)
    cursor = window.transcript.document().find("hello")
    assert cursor.charFormat().foreground().color().lightness() < 128
