"""DesktopServices from the standard library, for headless mode (no Qt, no window).

URLs open with `webbrowser`, files with the platform's opener (`os.startfile` on Windows,
`open` on macOS, `xdg-open` elsewhere); notifications go to a callback (headless prints them).
There is no clipboard without a window system connection, so those calls fail with a reason.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import webbrowser
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
        return webbrowser.open(url)

    def open_file(self, path: Path) -> bool:
        try:
            if sys.platform == "win32":
                os.startfile(path)  # type: ignore[attr-defined,unused-ignore]
                return True
            opener = "open" if sys.platform == "darwin" else "xdg-open"
            if shutil.which(opener) is None:
                return False
            # The opener hands the file to the default app and returns; do not wait on it.
            subprocess.Popen(
                [opener, str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            return True
        except OSError:
            log.warning("opening %s failed", path, exc_info=True)
            return False

    def notify(self, title: str, message: str) -> None:
        self._on_notify(title, message)
