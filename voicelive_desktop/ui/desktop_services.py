"""The built-in tools' desktop, done with Qt: clipboard, default apps, notifications, a chime."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow, QSystemTrayIcon

from voicelive_desktop.engine.playback_port import PlaybackSink
from voicelive_desktop.push_to_talk.earcon import Earcon, play_earcon

log = logging.getLogger(__name__)

_NOTIFICATION_MS = 10_000


class QtDesktopServices:
    """Implements `tools.desktop_port.DesktopServices` on the GUI thread.

    Notifications go through the tray icon, which Qt shows with the platform's service
    (Windows and macOS notifications, freedesktop notifications on Linux); without a tray
    they show in the window's status bar. The window is also asked for attention. The chime
    plays on the live session's speaker when there is one (mixed with the assistant's
    voice), else it is the system beep.
    """

    def __init__(
        self,
        window: QMainWindow,
        tray_icon: Callable[[], QSystemTrayIcon | None] = lambda: None,
        speaker: Callable[[], PlaybackSink | None] = lambda: None,
    ) -> None:
        self.window = window
        self._tray_icon = tray_icon
        self._speaker = speaker

    def read_clipboard(self) -> str:
        return QGuiApplication.clipboard().text()

    def write_clipboard(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)

    def open_url(self, url: str) -> bool:
        return bool(QDesktopServices.openUrl(QUrl(url, QUrl.ParsingMode.StrictMode)))

    def open_file(self, path: Path) -> bool:
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))

    def notify(self, title: str, message: str) -> None:
        log.info("notification: %s: %s", title, message)
        if not self._tray_message(title, message):
            self.window.statusBar().showMessage(f"{title}: {message}", _NOTIFICATION_MS * 3)
        QApplication.alert(self.window)
        self._chime()

    def _tray_message(self, title: str, message: str) -> bool:
        icon = self._tray_icon()
        if icon is None or not icon.isVisible() or not QSystemTrayIcon.supportsMessages():
            return False
        icon.showMessage(title, message, icon.icon(), _NOTIFICATION_MS)
        return True

    def _chime(self) -> None:
        speaker = self._speaker()
        if speaker is not None:
            play_earcon(speaker, Earcon.ALERT)
        else:
            QApplication.beep()
