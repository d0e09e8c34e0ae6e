"""What the built-in tools need from the desktop, as a protocol that `ui/` implements with Qt."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class DesktopServices(Protocol):
    """The desktop's clipboard, notifications and default apps.

    Methods are called on the event loop's thread (the Qt GUI thread under qasync).
    """

    def read_clipboard(self) -> str:
        """The clipboard's text ("" when it holds no text)."""

    def write_clipboard(self, text: str) -> None:
        """Put `text` on the clipboard."""

    def open_url(self, url: str) -> bool:
        """Open an http(s) URL in the default browser; False when the desktop refused."""

    def open_file(self, path: Path) -> bool:
        """Open an existing file in its default app; False when the desktop refused."""

    def notify(self, title: str, message: str) -> None:
        """Show a desktop notification (tray message or the platform's service) with a sound."""
