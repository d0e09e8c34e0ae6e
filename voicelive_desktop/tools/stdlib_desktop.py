"""DesktopServices from the standard library, for headless mode (no Qt, no window).

URLs and files open with the platform's opener (`os.startfile` on Windows, `open` on macOS,
`xdg-open` elsewhere), started in the background with no terminal. Not `webbrowser`: where it
finds only a text-mode browser (w3m, lynx) or a `$BROWSER` command, it runs that in the
foreground, which would take over the terminal and stall the conversation until it exits.
Notifications go to a callback (headless prints them).
There is no clipboard without a window system connection, so those calls fail with a reason.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from voicelive_desktop.tools.registry import ToolError

log = logging.getLogger(__name__)


class StdlibDesktop:
    """Implements DesktopServices without Qt; `on_notify(title, message)` shows notifications."""

    def __init__(self, on_notify: Callable[[str, str], None]) -> None:
        self._on_notify = on_notify

    def read_clipboard(self) -> str:
        raise ToolError("The clipboard is not available in headless mode.")

    def write_clipboard(self, text: str) -> None:
        raise ToolError("The clipboard is not available in headless mode.")

    def open_url(self, url: str) -> bool:
        return self._open(url)

    def open_file(self, path: Path) -> bool:
        return self._open(str(path))

    def _open(self, target: str) -> bool:
        """Hand `target` (a URL or a file path) to the platform's opener; do not wait."""
        try:
            if sys.platform == "win32":
                os.startfile(target)  # type: ignore[attr-defined,unused-ignore]
                return True
            opener = "open" if sys.platform == "darwin" else "xdg-open"
            if shutil.which(opener) is None:
                return False
            # The opener hands the target to the default app and returns; do not wait on it.
            subprocess.Popen(
                [opener, target],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            return True
        except OSError:
            log.warning("opening %s failed", target, exc_info=True)
            return False

    def notify(self, title: str, message: str) -> None:
        self._on_notify(title, message)
