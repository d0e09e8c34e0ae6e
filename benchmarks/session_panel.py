"""How long a change made in the session panel takes to say "Applied", against the engine's own
session.update round trip measured in the same run, and what the meter's VAD line costs.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/session_panel.py [--changes 30]

Both paths talk to the simulator in this process over a real websocket with the real SDK:
- baseline: `SessionEngine.apply_settings` (session.update, then its session.updated);
- panel: an edit entered in the panel and flushed (no settle delay), through the controller,
  the settings file, the adapter and the engine, until the panel's status reads "Applied";
  the atomic settings save it includes is timed on its own too.
The meter figure counts repaints when the same threshold is set again (it should not repaint)
against a threshold that moves. It prints figures and ratios; it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


async def engine_round_trips(endpoint: str, changes: int) -> list[float]:
    from azure.core.credentials import AzureKeyCredential

    from voicelive_desktop.engine import SessionEngine, SessionSettings
    from voicelive_desktop.engine.session_settings import ConnectionSettings

    engine = SessionEngine(
        ConnectionSettings(endpoint=endpoint), AzureKeyCredential("demo"), SessionSettings()
    )
    await engine.start()
    times = []
    for index in range(changes):
        start = time.perf_counter()
        await engine.apply_settings(SessionSettings(temperature=0.7 + 0.01 * (index % 40)))
        times.append((time.perf_counter() - start) * 1000)
    await engine.stop()
    return times


async def panel_round_trips(endpoint: str, changes: int) -> list[float]:
    from voicelive_desktop.credentials import CredentialStore
    from voicelive_desktop.settings import SettingsStore
    from voicelive_desktop.ui.controller import AppController
    from voicelive_desktop.ui.main_window import MainWindow
    from voicelive_desktop.ui.session_panel import ApplyStatus
    from voicelive_desktop.ui.sessions import text_session

    window = MainWindow()
    with tempfile.TemporaryDirectory() as config:
        controller = AppController(
            window, SettingsStore(Path(config)), CredentialStore(), text_session
        )
        controller.endpoint_override = endpoint
        controller.credentials.use_for_this_run(endpoint, "demo")
        window.show()
        assert await controller.connect_configured()
        panel = window.session_panel
        times = []
        for index in range(changes):
            start = time.perf_counter()
            panel.editors["temperature"].enter(0.7 + 0.01 * (index % 40))
            panel.flush_edits()
            while panel.status is not ApplyStatus.APPLIED:
                await asyncio.sleep(0.001)
            times.append((time.perf_counter() - start) * 1000)
            panel.show_status(ApplyStatus.IDLE)
        await controller.shutdown()
    window.close()
    return times


def settings_saves(changes: int) -> list[float]:
    """The atomic settings write (temp file, fsync, rename) each panel change makes."""
    from voicelive_desktop.settings import AppSettings, SettingsStore

    with tempfile.TemporaryDirectory() as config:
        store = SettingsStore(Path(config))
        times = []
        for _ in range(changes):
            start = time.perf_counter()
            store.save(AppSettings())
            times.append((time.perf_counter() - start) * 1000)
    return times


def meter_repaints() -> tuple[int, int]:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from voicelive_desktop.ui.level_meter import LevelMeter

    class PaintCounter(QObject):
        count = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    meter = LevelMeter("Microphone level")
    counter = PaintCounter()
    meter.installEventFilter(counter)
    meter.show()
    QApplication.processEvents()
    counter.count = 0
    for _ in range(200):
        meter.set_threshold_dbfs(-35.0)
        QApplication.processEvents()
    same = counter.count
    counter.count = 0
    for step in range(200):
        meter.set_threshold_dbfs(-35.0 + (step % 2))
        QApplication.processEvents()
    return same, counter.count


async def run(changes: int) -> None:
    from voicelive_desktop.simulator import VoiceLiveSimulator

    async with VoiceLiveSimulator(use_espeak=False) as simulator:
        baseline = await engine_round_trips(simulator.endpoint, changes)
        panel = await panel_round_trips(simulator.endpoint, changes)
    base_ms, panel_ms = statistics.median(baseline), statistics.median(panel)
    print(f"session.update round trip, engine only : median {base_ms:6.2f} ms (n={changes})")
    print(f"panel edit -> 'Applied'                 : median {panel_ms:6.2f} ms (n={changes})")
    print(f"panel / engine                          : {panel_ms / base_ms:5.2f}x")
    save_ms = statistics.median(settings_saves(changes))
    print(f"  of which the settings file save        : median {save_ms:6.2f} ms")
    same, moving = meter_repaints()
    print(f"meter repaints, same threshold x200      : {same}")
    print(f"meter repaints, moving threshold x200    : {moving}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=30)
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from voicelive_desktop.ui.event_loop import PreciseEventLoop

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)  # the panel's window closes mid-run
    loop = PreciseEventLoop(app)
    with loop:
        loop.run_until_complete(run(args.changes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
