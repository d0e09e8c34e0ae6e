"""Shared pieces for UI tests that run the whole controller against the simulator."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.waiting import wait_until as wait_until  # re-exported for the UI tests
from voicelive_desktop.credentials import CredentialStore
from voicelive_desktop.engine.events import EngineEvent
from voicelive_desktop.settings import SettingsStore
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.controller import AppController
from voicelive_desktop.ui.main_window import MainWindow
from voicelive_desktop.ui.sessions import SessionFactory
from voicelive_desktop.voice_session import VoiceSession


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

    async def connect_to(self, simulator: VoiceLiveSimulator) -> None:
        """Connect to `simulator` with its demo key, as `--endpoint URL` with a typed key would."""
        self.controller.endpoint_override = simulator.endpoint
        self.controller.credentials.use_for_this_run(simulator.endpoint, "demo")
        assert await self.controller.connect_configured()

    @property
    def voice_session(self) -> VoiceSession:
        """The connected session, which must be a real one on the sound devices."""
        session = self.controller.adapter.session
        assert isinstance(session, VoiceSession)
        return session

    def count(self, kind: type) -> int:
        return sum(isinstance(e, kind) for e in self.events)
