"""A call waiting for consent asks for attention: a tray message while the window is hidden,
and a click on it brings the window back with the prompt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from voicelive_desktop.engine.events import ToolApprovalRequested, ToolCallStarted
from voicelive_desktop.ui.engine_adapter import EngineAdapter
from voicelive_desktop.ui.main_window import MainWindow
from voicelive_desktop.ui.tools_binding import ToolsBinding
from voicelive_desktop.ui.tray import AppTray


def _binding(qtbot: QtBot, tmp_path: Path) -> tuple[MainWindow, AppTray, list[tuple[Any, ...]]]:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    tray = AppTray(window)
    messages: list[tuple[Any, ...]] = []
    tray.icon.showMessage = lambda *args: messages.append(args)  # type: ignore[method-assign]
    binding = ToolsBinding(window, EngineAdapter(window), {}, lambda p: None, tray)
    assert binding.registry.get("get_current_time") is not None  # the built-ins are there
    return window, tray, messages


def _ask(window: MainWindow) -> None:
    window.show_event(ToolCallStarted("c1", "open_url", '{"url": "https://a.example"}'))
    window.show_event(
        ToolApprovalRequested("c1", "open_url", '{"url": "https://a.example"}', "opens_things", 60)
    )


def test_a_hidden_window_gets_a_tray_message_that_brings_it_back(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window, tray, messages = _binding(qtbot, tmp_path)
    window.hide()
    _ask(window)
    assert [m[0] for m in messages] == ["Allow open_url?"]
    assert "waiting for your answer" in messages[0][1]
    tray.icon.messageClicked.emit()
    assert window.isVisible()
    qtbot.waitUntil(lambda: window.tool_calls.prompts["c1"].isVisible())


def test_a_visible_window_needs_no_tray_message(qtbot: QtBot, tmp_path: Path) -> None:
    window, _tray, messages = _binding(qtbot, tmp_path)
    _ask(window)
    assert messages == []
    assert "c1" in window.tool_calls.prompts


def test_a_fired_timer_is_a_tray_message_when_there_is_a_tray(
    qtbot: QtBot, tmp_path: Path, monkeypatch: Any
) -> None:
    """The platform's notification (Qt shows tray messages with it); offscreen has no tray
    host, so the tray's own checks are stood in for."""
    from PySide6.QtWidgets import QSystemTrayIcon

    window, tray, messages = _binding(qtbot, tmp_path)
    monkeypatch.setattr(QSystemTrayIcon, "supportsMessages", staticmethod(lambda: True))
    monkeypatch.setattr(tray.icon, "isVisible", lambda: True)
    binding = next(c for c in window.children() if isinstance(c, ToolsBinding))
    binding.desktop.notify("Timer done", "Your timer for 10 seconds is up.")
    assert [m[:2] for m in messages] == [("Timer done", "Your timer for 10 seconds is up.")]
    assert window.statusBar().currentMessage() == ""
