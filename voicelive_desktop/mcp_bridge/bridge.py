"""The running set of local MCP servers: start the enabled ones, restart, stop them all."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from voicelive_desktop.credentials import KeyringUnavailable
from voicelive_desktop.mcp_bridge.config import McpServerConfig, McpServerList
from voicelive_desktop.mcp_bridge.secrets import McpSecretStore, ServerSecrets
from voicelive_desktop.mcp_bridge.server_connection import (
    McpServerConnection,
    McpServerStatus,
    ServerState,
)
from voicelive_desktop.tools.registry import ToolRegistry

log = logging.getLogger(__name__)

StatusListener = Callable[[McpServerStatus], None]


class McpBridge:
    """Owns one connection per enabled server and tells listeners how each one is doing.

    Every server it started is stopped by `stop_all()` (on quit) or when it is disabled,
    removed or edited, so no server process outlives the app.
    """

    def __init__(
        self,
        registry: ToolRegistry,
        secrets: McpSecretStore | None = None,
        servers: McpServerList | None = None,
    ) -> None:
        self._registry = registry
        self._secrets = secrets or McpSecretStore()
        self.servers = servers or McpServerList()
        self._connections: dict[str, McpServerConnection] = {}
        self._statuses: dict[str, McpServerStatus] = {}
        self._listeners: list[StatusListener] = []
        self._lock = asyncio.Lock()

    def subscribe(self, listener: StatusListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def status(self, name: str) -> McpServerStatus:
        return self._statuses.get(name, McpServerStatus(name, ServerState.STOPPED))

    async def apply(self, servers: McpServerList) -> None:
        """Make the running set match `servers`: stop what went or changed, start what is new."""
        async with self._lock:
            self.servers = servers
            wanted = {s.name: s for s in servers.servers if s.enabled}
            for name, connection in list(self._connections.items()):
                if wanted.get(name) != connection.config:
                    await self._stop(name)
            for name, config in wanted.items():
                if name not in self._connections:
                    await self._start(config)
            for name in list(self._statuses):
                if servers.named(name) is None:
                    del self._statuses[name]

    async def restart(self, name: str) -> McpServerStatus:
        async with self._lock:
            await self._stop(name)
            config = self.servers.named(name)
            if config is not None and config.enabled:
                await self._start(config)
            return self.status(name)

    async def stop_all(self) -> None:
        """Stop every server (the app is quitting)."""
        async with self._lock:
            for name in list(self._connections):
                await self._stop(name)

    async def _start(self, config: McpServerConfig) -> None:
        try:
            secrets = (
                self._secrets.read(config)
                if config.env_names or config.header_names
                else ServerSecrets()
            )
        except KeyringUnavailable as exc:
            self._report(McpServerStatus(config.name, ServerState.FAILED, reason=str(exc)))
            return
        connection = McpServerConnection(
            config,
            secrets,
            self._registry,
            lambda: self.servers.result_cap_chars,
            self._report,
        )
        self._connections[config.name] = connection
        await connection.start()

    async def _stop(self, name: str) -> None:
        connection = self._connections.pop(name, None)
        if connection is not None:
            await connection.stop()

    def _report(self, status: McpServerStatus) -> None:
        self._statuses[status.name] = status
        for listener in list(self._listeners):
            listener(status)
