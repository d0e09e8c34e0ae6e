"""GUI start-up: the QApplication, the qasync loop, the main window and a clean shutdown."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import signal
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from voicelive_desktop import APP_ID, APP_NAME, ORGANIZATION, __version__
from voicelive_desktop.crash_capture import CrashCapture
from voicelive_desktop.credentials import CredentialStore
from voicelive_desktop.instance_channel import InstanceChannel
from voicelive_desktop.logging_setup import log_directory, setup_logging
from voicelive_desktop.settings import SettingsStore
from voicelive_desktop.ui.controller import AppController
from voicelive_desktop.ui.event_loop import PreciseEventLoop
from voicelive_desktop.ui.main_thread_gc import MainThreadGarbageCollector
from voicelive_desktop.ui.main_window import MainWindow
from voicelive_desktop.ui.qt_messages import route_qt_messages_to_log
from voicelive_desktop.ui.sessions import SessionFactory, voice_session_factory
from voicelive_desktop.ui.theme import app_icon, apply_theme, follow_system_theme

log = logging.getLogger(__name__)


def create_application(argv: list[str]) -> QApplication:
    """The one QApplication, named for settings paths and the desktop entry."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # Fractional scale factors (125 %, 150 %) render crisply instead of being rounded.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # Wayland/X11 match the window to the .desktop entry
    app.setWindowIcon(app_icon())
    return app


async def run_window(
    args: argparse.Namespace,
    make_session: SessionFactory,
    store: SettingsStore | None = None,
    credentials: CredentialStore | None = None,
    crashes: CrashCapture | None = None,
) -> int:
    """Show the window, act on --demo/--connect, and return when the window is closed."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    # Shutdown is async (close the websocket, stop the demo server): closing the window must
    # not stop the loop before it has run.
    app.setQuitOnLastWindowClosed(False)
    # PortAudio's callback threads (and pynput's) run Python all session long; an automatic
    # collection there could destroy a Qt object off its thread and crash the app.
    collector = MainThreadGarbageCollector(app)
    collector.start()
    window = MainWindow()
    if crashes is not None:
        path = str(crashes.path)
        crashes.on_crash = lambda summary: window.crash_banner.show_crash(summary, path)
    channel = InstanceChannel()  # `--ptt toggle` from a desktop shortcut lands here
    channel.listen()
    controller = AppController(
        window,
        store or SettingsStore(),
        credentials or CredentialStore(),
        make_session,
        endpoint_override=args.endpoint,
        channel=channel,
    )
    apply_theme(app, controller.settings.ui.theme)
    follow_system_theme(app, lambda: controller.settings.ui.theme)
    closed = asyncio.Event()
    window.closing.connect(closed.set)
    _quit_on_signals(window)
    window.show()
    await controller.start(demo=args.demo, connect=args.connect)
    # What start-up built lives as long as the app: frozen, it is out of the collector's
    # sight, and a full collection walks only what came later. Walking it all took 60-100 ms
    # holding the GIL, long enough to starve the speaker's 10 ms callbacks into an underrun.
    gc.freeze()
    await closed.wait()
    await controller.shutdown()
    gc.unfreeze()  # what start-up built may be garbage now (native objects warn if leaked)
    channel.close()
    collector.stop()
    return 0


def _quit_on_signals(window: MainWindow) -> None:
    """Ctrl+C in a terminal and SIGTERM from a session manager close the window, so they get
    the same clean shutdown as the close button (Qt alone would never let Python see them)."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Windows loops have no signal handlers; there Ctrl+C is not how a GUI app quits.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, window.close)


def run(args: argparse.Namespace) -> int:
    """Entry point for GUI mode (called by `__main__`)."""
    setup_logging(args.log_level)
    route_qt_messages_to_log()
    app = create_application(sys.argv[:1])
    loop = PreciseEventLoop(app)
    asyncio.set_event_loop(loop)
    crashes = CrashCapture(log_directory())
    crashes.install(loop)
    make_session = voice_session_factory(args.input_device, args.output_device)
    try:
        with loop:
            return int(loop.run_until_complete(run_window(args, make_session, crashes=crashes)))
    finally:
        crashes.uninstall()
