"""The running set of local MCP servers: start the enabled ones, restart, stop them all."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from voicelive_desktop.credentials import KeyringUnavailable
from voicelive_desktop.engine.remote_mcp_config import RemoteMcpServer
from voicelive_desktop.mcp_bridge.config import McpServerConfig, McpServerList, McpTransport
from voicelive_desktop.mcp_bridge.example import EXAMPLE_REMOTE_URL, ExampleHttpHost
from voicelive_desktop.mcp_bridge.secrets import McpSecretStore, ServerSecrets
from voicelive_desktop.mcp_bridge.status import McpServerStatus, ServerState
from voicelive_desktop.tools.registry import ToolRegistry

if TYPE_CHECKING:
    from voicelive_desktop.mcp_bridge.server_connection import McpServerConnection

log = logging.getLogger(__name__)

StatusListener = Callable[[McpServerStatus], None]


class McpBridge:
    """Owns one connection per enabled server and tells listeners how each one is doing.

    Every server it started is stopped by `stop_all()` (on quit) or when it is disabled,
    removed or edited, so no server process outlives the app. While `agent_mode` is set no
    server runs at all (see `apply`).
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
        self._example_host = ExampleHttpHost()
        self.agent_mode = False

    def subscribe(self, listener: StatusListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def status(self, name: str) -> McpServerStatus:
        return self._statuses.get(name, McpServerStatus(name, ServerState.STOPPED))

    async def apply(self, servers: McpServerList) -> None:
        """Make the running set match `servers`: stop what went or changed, start what is new.

        In agent mode nothing runs: a Foundry agent brings its own tools, and the session
        config sent to it leaves `tools` out (engine/agent_mode.py), so a local server's
        tools and a remote entry (itself a tool) would reach nobody. The Voice Live agent
        quickstart and how-to configure only audio, voice and turn detection per session;
        "all necessary settings are handled internally" by the agent
        (https://learn.microsoft.com/azure/ai-services/speech-service/voice-live-agents-quickstart,
        .../how-to-voice-agent-integration).
        """
        async with self._lock:
            self.servers = servers
            wanted = {
                s.name: s
                for s in servers.servers
                if s.enabled and s.transport is not McpTransport.REMOTE and not self.agent_mode
            }
            for name, connection in list(self._connections.items()):
                if wanted.get(name) != connection.config:
                    await self._stop(name)
            for name, config in wanted.items():
                if name not in self._connections:
                    await self._start(config)
            for name in list(self._statuses):
                if servers.named(name) is None:
                    del self._statuses[name]
            await self._host_example(servers)

    async def restart(self, name: str) -> McpServerStatus:
        async with self._lock:
            config = self.servers.named(name)
            if config is not None and config.transport is McpTransport.REMOTE:
                # The service runs a remote server; only the example's host is the app's.
                await self._example_host.stop()
                await self._host_example(self.servers)
                return self.status(name)
            await self._stop(name)
            if config is not None and config.enabled and not self.agent_mode:
                await self._start(config)
            return self.status(name)

    async def stop_all(self) -> None:
        """Stop every server (the app is quitting)."""
        async with self._lock:
            for name in list(self._connections):
                await self._stop(name)
            await self._example_host.stop()

    async def _host_example(self, servers: McpServerList) -> None:
        """Serve the dice example over HTTP while an enabled remote entry points at it."""
        wanted = [
            s
            for s in servers.servers
            if s.enabled and s.transport is McpTransport.REMOTE and s.url == EXAMPLE_REMOTE_URL
        ]
        if self.agent_mode:
            wanted = []
        if not wanted:
            await self._example_host.stop()
            return
        running = await self._example_host.start()
        for config in wanted:
            state = ServerState.RUNNING if running else ServerState.FAILED
            self._report(McpServerStatus(config.name, state, reason=self._example_host.problem))

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
        # The MCP SDK costs ~40 MB of memory: load it when the first server starts, not with
        # the app (most users run no local server).
        from voicelive_desktop.mcp_bridge.server_connection import McpServerConnection

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

    def note_remote_listing(
        self, label: str, status: str, tools: tuple[str, ...], error: str = ""
    ) -> None:
        """What the service found when it listed a remote server's tools."""
        config = self.servers.named(label)
        if config is None or config.transport is not McpTransport.REMOTE:
            return
        if status == "completed":
            self._report(McpServerStatus(label, ServerState.RUNNING, tools=tools))
        elif status == "failed":
            reason = error or "The service could not list its tools."
            if _on_this_computer(config.url):
                reason += (
                    " The Voice Live service cannot reach an address on this computer; a "
                    "remote server must be reachable from the internet (the remote example "
                    "works in the offline demo)."
                )
            self._report(McpServerStatus(label, ServerState.FAILED, reason=reason))

    def remote_servers(self) -> list[RemoteMcpServer]:
        """The enabled servers the service connects to, with their keyring values (none
        in agent mode, whose session config carries no tools)."""
        found: list[RemoteMcpServer] = []
        if self.agent_mode:
            return found
        for config in self.servers.servers:
            if config.transport is not McpTransport.REMOTE or not config.enabled:
                continue
            try:
                headers = dict(self._secrets.read(config).headers) if config.header_names else {}
            except KeyringUnavailable as exc:
                self._report(McpServerStatus(config.name, ServerState.FAILED, reason=str(exc)))
                continue
            url = config.url
            if url == EXAMPLE_REMOTE_URL and self._example_host.running:
                url = self._example_host.url  # another port when 8931 was taken
            found.append(
                RemoteMcpServer(
                    server_label=config.name,
                    server_url=url,
                    allowed_tools=config.allowed_tools,
                    require_approval=_approval(config),
                    headers=headers,
                )
            )
        return found


def _on_this_computer(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def _approval(config: McpServerConfig) -> str | dict[str, list[str]]:
    """`require_approval` for the service: the tools the user always allows run unasked."""
    if config.require_approval == "always" and config.approved_tools:
        return {"never": list(config.approved_tools)}
    return config.require_approval
