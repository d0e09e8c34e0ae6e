"""The offline demo's server: the built-in simulator, started on the app's loop when needed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from voicelive_desktop.engine.agent_mode import demo_connection, is_agent_mode
from voicelive_desktop.engine.auth import DemoToken, key_credential
from voicelive_desktop.engine.session_settings import ConnectionSettings
from voicelive_desktop.protocol import DEMO_API_KEY
from voicelive_desktop.ui.voice_preview import Target

if TYPE_CHECKING:
    # Imported when the demo starts: the simulator (aiohttp's server, the MCP SDK for its
    # remote tools) is ~45 MB of RSS and 0.8 s of start-up a connected session never uses.
    from voicelive_desktop.simulator import VoiceLiveSimulator


class OfflineDemo:
    """Owns the simulator the demo (and a voice preview without a connection) talks to:
    started the first time it is needed, kept for the app's life, stopped at shutdown.
    `show_error` tells the user when it cannot start."""

    def __init__(self, show_error: Callable[[str], None]) -> None:
        self.server: VoiceLiveSimulator | None = None
        self._show_error = show_error

    async def target(self, configured: ConnectionSettings) -> Target | None:
        """The connection and credential for the simulator, with the `configured` model and
        profile; None when it cannot start."""
        if self.server is None:
            try:
                from voicelive_desktop.simulator import VoiceLiveSimulator

                self.server = await VoiceLiveSimulator().start()
            except OSError as exc:
                self._show_error(f"The offline demo server could not start: {exc}")
                return None
        connection = demo_connection(self.server.endpoint, configured)
        if is_agent_mode(connection):  # the simulator plays the chosen Foundry agent
            return connection, DemoToken()
        return connection, key_credential(DEMO_API_KEY)

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop()
            self.server = None
