"""A DesktopServices that keeps what the tools did to it, for tests without a desktop."""

from __future__ import annotations

from pathlib import Path


class RecordingDesktop:
    """Clipboard in memory; opened URLs/files and notifications listed; `accept` decides
    whether the desktop 'managed' to open something."""

    def __init__(self, clipboard: str = "", *, accept: bool = True) -> None:
        self.clipboard = clipboard
        self.accept = accept
        self.opened_urls: list[str] = []
        self.opened_files: list[Path] = []
        self.notifications: list[tuple[str, str]] = []

    def read_clipboard(self) -> str:
        return self.clipboard

    def write_clipboard(self, text: str) -> None:
        self.clipboard = text

    def open_url(self, url: str) -> bool:
        self.opened_urls.append(url)
        return self.accept

    def open_file(self, path: Path) -> bool:
        self.opened_files.append(path)
        return self.accept

    def notify(self, title: str, message: str) -> None:
        self.notifications.append((title, message))
