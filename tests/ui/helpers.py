"""Shared pieces for UI tests that run the whole controller against the simulator."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from voicelive_desktop.credentials import CredentialStore
from voicelive_desktop.engine.events import EngineEvent
from voicelive_desktop.settings import SettingsStore
from voicelive_desktop.ui.controller import AppController
from voicelive_desktop.ui.main_window import MainWindow
from voicelive_desktop.ui.sessions import SessionFactory


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    """Poll `condition` while the qasync loop keeps Qt and asyncio running."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.02)


class AppUnderTest:
    """A main window + controller with settings in a temp dir, recording adapter events."""

    def __init__(self, qtbot: QtBot, config_dir: Path, make_session: SessionFactory) -> None:
        self.window = MainWindow()
        qtbot.addWidget(self.window)
        self.store = SettingsStore(config_dir)
        self.controller = AppController(self.window, self.store, CredentialStore(), make_session)
        self.events: list[EngineEvent] = []
        self.controller.adapter.event_received.connect(self.events.append)
        self.window.show()

    def count(self, kind: type) -> int:
        return sum(isinstance(e, kind) for e in self.events)
