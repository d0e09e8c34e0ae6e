"""The system tray icon: show/hide the window, mute, quit, and whether the mic is open."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from voicelive_desktop import APP_NAME
from voicelive_desktop.ui.main_window import MainWindow
from voicelive_desktop.ui.theme import app_icon

_ICON_PX = 64
_MIC_OPEN_COLOUR = QColor(220, 38, 38)


def mic_open_icon(base: QIcon) -> QIcon:
    """`base` with a red dot in the corner: the look of a recording light."""
    pixmap = base.pixmap(_ICON_PX, _ICON_PX)
    if pixmap.isNull():
        pixmap = QPixmap(_ICON_PX, _ICON_PX)
        pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(_MIC_OPEN_COLOUR)
    diameter = _ICON_PX * 2 // 5
    painter.drawEllipse(_ICON_PX - diameter, _ICON_PX - diameter, diameter, diameter)
    painter.end()
    return QIcon(pixmap)


class AppTray(QObject):
    """Owns the tray icon and its menu; mirrors the window's mute button and the mic state."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.idle_icon = app_icon()
        self.open_icon = mic_open_icon(self.idle_icon)
        self.mic_open = False
        self.icon = QSystemTrayIcon(self.idle_icon, self)
        self.menu = QMenu()
        self.show_action = QAction("Hide window", self)
        self.show_action.triggered.connect(self.toggle_window)
        self.mute_action = QAction("Mute mic", self)
        self.mute_action.setCheckable(True)
        self.mute_action.setChecked(window.mute_button.isChecked())
        # The window's button stays the one place mute lives; the action only mirrors it.
        self.mute_action.toggled.connect(window.mute_button.setChecked)
        window.mute_button.toggled.connect(self.mute_action.setChecked)
        window.mute_button.toggled.connect(lambda _muted: self._show_tooltip())
        self.quit_action = QAction("Quit", self)
        self.quit_action.triggered.connect(window.quit_action.trigger)
        for action in (self.show_action, self.mute_action):
            self.menu.addAction(action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.menu.aboutToShow.connect(self._sync_show_action)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self._show_tooltip()
        self.icon.show()

    def set_mic_open(self, open_: bool) -> None:
        self.mic_open = open_
        self.icon.setIcon(self.open_icon if open_ else self.idle_icon)
        self._show_tooltip()

    def toggle_window(self) -> None:
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
            self._sync_show_action()
        else:
            self.show_window()

    def show_window(self) -> None:
        """Bring the window back to the front (a click on the icon or on a tray message)."""
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
        self._sync_show_action()

    def _sync_show_action(self) -> None:
        self.show_action.setText("Hide window" if self.window.isVisible() else "Show window")

    def _show_tooltip(self) -> None:
        if self.window.mute_button.isChecked():
            status = "microphone muted"
        elif self.mic_open:
            status = "microphone open"
        else:
            status = "microphone closed"
        self.icon.setToolTip(f"{APP_NAME}: {status}")

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_window()


def create_tray(window: MainWindow) -> AppTray | None:
    """The tray icon, or None where the desktop has no system tray (the app works without)."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    return AppTray(window)
