"""The GUI app as `benchmarks/app_cpu.py` measures it: `voicelive-desktop --connect`, with the
window put where a user leaves it once the session is ready.

    python benchmarks/app_driver.py --endpoint URL \
        --mode shown|minimised|tray|panel-closed|inspector-open

It runs the app's own start-up (`voicelive_desktop.app.run_window`, the same code as
`voicelive_desktop.app.run`) and adds only what a benchmark needs, none of it on a timer:
- once the session is READY it prints `READY` on stdout and minimises the window or hides it
  (what the tray icon's "Hide window" does), or leaves it shown with the session panel
  closed, or with the event inspector open (issue 13 asks what each costs);
- it counts paint events of the window and its widgets from then on, and prints them as one
  JSON line when the window closes (SIGTERM closes it, as for the real app).
Without a window manager (Xvfb) nothing unmaps a minimised window; an X11 window manager
unmaps it when it iconifies it (ICCCM 4.1.4), so that is done here with `xdotool`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

MODES = ("shown", "minimised", "tray", "panel-closed", "inspector-open")


class PaintCounter(QObject):
    """Counts the paint events of the widgets it watches (installed per widget, not app-wide,
    so the counting costs nothing for every other event)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.total = 0
        self.by_widget: dict[str, int] = {}
        for widget in [window, *window.findChildren(QWidget)]:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.total += 1
            name = type(watched).__name__
            self.by_widget[name] = self.by_widget.get(name, 0) + 1
        return False


async def put_window_away(mode: str) -> None:
    """Wait for the READY session, then leave the window as `mode` says."""
    from voicelive_desktop.engine.events import SessionState
    from voicelive_desktop.ui.main_window import MainWindow

    window: MainWindow | None = None
    while window is None or window.session_state is not SessionState.READY:
        await asyncio.sleep(0.1)  # start-up only; nothing polls once the session is ready
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        window = found[0] if found else None
    await asyncio.sleep(0.5)  # let the first frames of the ready window paint
    if mode == "minimised":
        window.showMinimized()
        if shutil.which("xdotool"):
            subprocess.run(["xdotool", "windowunmap", str(int(window.winId()))], check=False)
    elif mode == "tray":
        window.hide()
    elif mode == "panel-closed":
        window.set_panel_open(False)
    elif mode == "inspector-open":
        window.inspector_action.trigger()
    counter = PaintCounter(window)
    window.closing.connect(
        lambda: print(
            json.dumps({"paints": counter.total, "by_widget": counter.by_widget}), flush=True
        )
    )
    print("READY", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--mode", choices=MODES, default="shown")
    options = parser.parse_args()

    from voicelive_desktop.__main__ import build_parser
    from voicelive_desktop.app import create_application, run_window
    from voicelive_desktop.logging_setup import setup_logging
    from voicelive_desktop.ui.event_loop import PreciseEventLoop
    from voicelive_desktop.ui.sessions import voice_session_factory

    args = build_parser().parse_args(["--connect", "--endpoint", options.endpoint])
    setup_logging(args.log_level)
    app = create_application(sys.argv[:1])
    loop = PreciseEventLoop(app)
    asyncio.set_event_loop(loop)

    async def run() -> int:
        waiting = asyncio.ensure_future(put_window_away(options.mode))
        code = await run_window(args, voice_session_factory())
        waiting.cancel()
        return code

    with loop:
        return int(loop.run_until_complete(run()))


if __name__ == "__main__":
    sys.exit(main())
