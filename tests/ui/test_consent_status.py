"""The status at the top left says the app waits for the user while a consent prompt waits,
and goes back to the session's own state once no prompt does."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from voicelive_desktop.engine.events import (
    SessionState,
    SessionStateChanged,
    ToolApprovalRequested,
    ToolCallFinished,
    ToolCallStarted,
    ToolCallStatus,
)
from voicelive_desktop.settings import Theme
from voicelive_desktop.ui import consent_prompt
from voicelive_desktop.ui.contrast import HIGH_CONTRAST_RATIO, READABLE_RATIO, contrast_ratio
from voicelive_desktop.ui.main_window import MainWindow
from voicelive_desktop.ui.state_indicator import AWAITING_APPROVAL_WORDS
from voicelive_desktop.ui.theme import apply_theme

ARGS = '{"url": "https://a.example"}'


@pytest.fixture(autouse=True)
def no_arming_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consent_prompt, "ARMING_DELAY_MS", 0)


def _window(qtbot: QtBot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    for state in (SessionState.CONNECTING, SessionState.READY, SessionState.THINKING):
        window.show_event(SessionStateChanged(state, window.session_state))
    return window


def _ask(window: MainWindow, call_id: str = "c1") -> None:
    window.show_event(ToolCallStarted(call_id, "open_url", ARGS))
    window.show_event(ToolApprovalRequested(call_id, "open_url", ARGS, "opens_things", 60))


def _go(window: MainWindow, state: SessionState) -> None:
    window.show_event(SessionStateChanged(state, window.session_state))


def test_the_status_says_it_waits_for_the_user_until_the_prompt_is_denied(
    qtbot: QtBot,
) -> None:
    window = _window(qtbot)
    assert window.state_indicator.text == "Thinking…"
    _ask(window)
    assert window.state_indicator.text == AWAITING_APPROVAL_WORDS
    assert "Waiting for your approval" in window.state_indicator.accessibleName()
    prompt = window.tool_calls.prompts["c1"]
    qtbot.mouseClick(prompt.deny_button, Qt.MouseButton.LeftButton)
    assert window.state_indicator.text == "Thinking…"  # the engine's state, at once
    assert window.state_indicator.label.styleSheet() == ""


def test_allowing_goes_back_to_the_state_the_engine_reached_meanwhile(qtbot: QtBot) -> None:
    window = _window(qtbot)
    _ask(window)
    _go(window, SessionState.READY)  # the session idles while the prompt waits
    assert window.state_indicator.text == AWAITING_APPROVAL_WORDS
    prompt = window.tool_calls.prompts["c1"]
    qtbot.waitUntil(prompt.allow_once_button.isEnabled)
    qtbot.mouseClick(prompt.allow_once_button, Qt.MouseButton.LeftButton)
    assert window.state_indicator.text == "Listening"


def test_a_prompt_that_times_out_gives_the_status_back(qtbot: QtBot) -> None:
    window = _window(qtbot)
    _ask(window)
    # The engine enforces the timeout and reports the call as denied.
    window.show_event(
        ToolCallFinished("c1", "open_url", ToolCallStatus.DENIED, 60_000.0, error="No answer")
    )
    assert window.tool_calls.prompts == {}
    assert window.state_indicator.text == "Thinking…"


def test_parallel_prompts_keep_the_status_until_the_last_is_answered(qtbot: QtBot) -> None:
    window = _window(qtbot)
    _ask(window, "c1")
    _ask(window, "c2")
    window.tool_calls.prompts["c1"].answer(consent_prompt.ToolApprovalDecision.DENY)
    assert window.state_indicator.text == AWAITING_APPROVAL_WORDS
    window.tool_calls.prompts["c2"].answer(consent_prompt.ToolApprovalDecision.DENY)
    assert window.state_indicator.text == "Thinking…"


def test_speech_and_connection_changes_show_through_a_waiting_prompt(qtbot: QtBot) -> None:
    window = _window(qtbot)
    _ask(window)
    _go(window, SessionState.ASSISTANT_SPEAKING)  # "let me open that" still plays
    assert window.state_indicator.text == "Assistant speaking"
    _go(window, SessionState.THINKING)
    assert window.state_indicator.text == AWAITING_APPROVAL_WORDS
    _go(window, SessionState.RECONNECTING)
    assert window.state_indicator.text == "Reconnecting…"


def test_clearing_the_conversation_ends_the_wait(qtbot: QtBot) -> None:
    window = _window(qtbot)
    _ask(window)
    window.transcript.clear_conversation()
    qtbot.waitUntil(lambda: window.tool_calls.prompts == {})
    assert window.state_indicator.text == "Thinking…"


@pytest.mark.parametrize("theme", [Theme.LIGHT, Theme.DARK, Theme.HIGH_CONTRAST])
def test_the_waiting_words_read_in_every_theme_and_follow_a_switch(
    qtbot: QtBot, theme: Theme
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = (app.style().name(), app.palette(), app.styleSheet())
    apply_theme(app, Theme.DARK if theme is Theme.LIGHT else Theme.LIGHT)
    try:
        window = _window(qtbot)
        _ask(window)
        apply_theme(app, theme)  # as Preferences or the OS switch it
        QApplication.processEvents()
        indicator = window.state_indicator
        sheet = indicator.label.styleSheet()
        colour = QColor(sheet.removeprefix("color: ").removesuffix(";"))
        window_colour = window.palette().color(QPalette.ColorRole.Window)
        assert indicator.palette().color(QPalette.ColorRole.Window) == window_colour
        needed = HIGH_CONTRAST_RATIO if theme is Theme.HIGH_CONTRAST else READABLE_RATIO
        assert contrast_ratio(colour, window_colour) >= needed, (colour.name(), theme)
        # Its own colour, not the words' usual one.
        assert colour != window.palette().color(QPalette.ColorRole.WindowText)
        assert indicator._dot.colour == colour
    finally:
        app.setStyle(before[0])
        app.setPalette(before[1])
        app.setStyleSheet(before[2])
