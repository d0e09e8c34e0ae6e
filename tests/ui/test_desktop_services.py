"""The Qt desktop the built-in tools use: clipboard, default apps, notifications, chime."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from voicelive_desktop.push_to_talk.earcon import Earcon, earcon_pcm16
from voicelive_desktop.tools.desktop_port import DesktopServices
from voicelive_desktop.ui.desktop_services import QtDesktopServices


class _OpenedUrls(QObject):
    """Qt's own URL-handler hook: receives what QDesktopServices would hand the desktop."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


class _Speaker:
    def __init__(self) -> None:
        self.queued: list[tuple[str, bytes]] = []

    def enqueue(self, item_id: str, pcm16: bytes) -> None:
        self.queued.append((item_id, pcm16))

    def flush(self) -> None:
        self.queued.clear()

    def played_ms(self, item_id: str) -> int:
        return 0

    def is_playing(self) -> bool:
        return bool(self.queued)


def _services(qtbot: QtBot, speaker: _Speaker | None = None) -> QtDesktopServices:
    window = QMainWindow()
    qtbot.addWidget(window)
    services = QtDesktopServices(window, speaker=lambda: speaker)
    port: DesktopServices = services  # it is the tools' port, as mypy checks
    assert port is services
    return services


def test_the_clipboard_round_trips(qtbot: QtBot) -> None:
    services = _services(qtbot)
    services.write_clipboard("copied by a tool ✓")
    assert QGuiApplication.clipboard().text() == "copied by a tool ✓"
    QGuiApplication.clipboard().setText("from the user")
    assert services.read_clipboard() == "from the user"


def test_urls_and_files_go_to_the_desktops_default_apps(qtbot: QtBot, tmp_path: Path) -> None:
    services = _services(qtbot)
    opened = _OpenedUrls()
    QDesktopServices.setUrlHandler("https", opened, "open")
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        note = tmp_path / "notes with space.md"
        note.write_text("hi")
        assert services.open_url("https://example.com/a?b=c")
        assert services.open_file(note)
    finally:
        QDesktopServices.unsetUrlHandler("https")
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toString() for u in opened.urls] == [
        "https://example.com/a?b=c",
        QUrl.fromLocalFile(str(note)).toString(),
    ]
    assert opened.urls[1].toLocalFile() == str(note)


def test_a_notification_without_a_tray_shows_in_the_window_and_chimes(qtbot: QtBot) -> None:
    speaker = _Speaker()
    services = _services(qtbot, speaker)
    services.notify("Timer done", "tea (10 s)")
    assert services.window.statusBar().currentMessage() == "Timer done: tea (10 s)"
    assert speaker.queued == [("earcon_alert", earcon_pcm16(Earcon.ALERT))]
