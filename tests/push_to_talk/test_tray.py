"""The tray icon: mirrors mute, shows when the mic is open, hides and shows the window."""

from __future__ import annotations

from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from voicelive_desktop.ui.main_window import MainWindow
from voicelive_desktop.ui.tray import AppTray, create_tray


def test_tray_tooltip_icon_mute_and_window(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    tray = AppTray(window)
    assert tray.icon.toolTip().endswith("microphone closed")
    idle = tray.icon.icon().pixmap(32, 32).toImage()
    tray.set_mic_open(True)
    assert tray.icon.toolTip().endswith("microphone open")
    assert tray.icon.icon().pixmap(32, 32).toImage() != idle  # the red dot is drawn
    tray.mute_action.trigger()
    assert window.mute_button.isChecked()
    assert tray.icon.toolTip().endswith("microphone muted")
    window.mute_button.setChecked(False)
    assert not tray.mute_action.isChecked()
    tray.toggle_window()
    assert not window.isVisible()
    tray.toggle_window()
    assert window.isVisible()


def test_no_system_tray_means_no_icon_and_no_error(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    tray = create_tray(window)
    assert (tray is None) == (not QSystemTrayIcon.isSystemTrayAvailable())
