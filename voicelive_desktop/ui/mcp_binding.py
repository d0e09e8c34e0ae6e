"""Joins the MCP bridge to the app: the saved server list, keyring values, statuses as signals."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from voicelive_desktop.credentials import KeyringUnavailable
from voicelive_desktop.engine.remote_mcp_config import RemoteMcpServer
from voicelive_desktop.mcp_bridge.bridge import McpBridge
from voicelive_desktop.mcp_bridge.config import (
    McpServerConfig,
    McpServerList,
    McpServerStore,
    McpTransport,
)
from voicelive_desktop.mcp_bridge.import_json import ImportResult
from voicelive_desktop.mcp_bridge.secrets import McpSecretStore, ServerSecrets
from voicelive_desktop.mcp_bridge.status import McpServerStatus
from voicelive_desktop.tools.registry import ToolRegistry

log = logging.getLogger(__name__)


class McpBinding(QObject):
    """Owns the bridge, the server list file and the keyring values; every change is saved,
    applied to the running servers and announced (`servers_changed`, `status_changed`)."""

    servers_changed = Signal()
    applied = Signal()  # the running servers match the list (the example host is up)
    status_changed = Signal(object)  # McpServerStatus
    problem = Signal(str)  # one sentence for the user

    def __init__(
        self,
        registry: ToolRegistry,
        config_dir: Path,
        secrets: McpSecretStore | None = None,
        parent: QObject | None = None,
        *,
        agent_mode: bool = False,
    ) -> None:
        super().__init__(parent)
        self.store = McpServerStore(config_dir)
        self.secrets = secrets or McpSecretStore()
        loaded = self.store.load()
        self.bridge = McpBridge(registry, self.secrets, loaded.servers)
        self.bridge.agent_mode = agent_mode
        self.bridge.subscribe(self.status_changed.emit)
        self.load_message = loaded.message
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def servers(self) -> McpServerList:
        return self.bridge.servers

    def status(self, name: str) -> McpServerStatus:
        return self.bridge.status(name)

    def start(self) -> None:
        """Start the enabled servers (at launch)."""
        self._run(self._apply(self.bridge.servers))

    async def close(self) -> None:
        """Stop every server (the app is quitting)."""
        for task in list(self._tasks):
            task.cancel()
        await self.bridge.stop_all()

    @property
    def agent_mode(self) -> bool:
        return self.bridge.agent_mode

    def set_agent_mode(self, agent_mode: bool) -> None:
        """A Foundry agent answers (or no longer does): stop every server, or start the
        enabled ones again; the list shows why they are idle."""
        if agent_mode == self.bridge.agent_mode:
            return
        self.bridge.agent_mode = agent_mode
        self.servers_changed.emit()
        self._run(self._apply(self.bridge.servers))

    def remote_servers(self) -> list[RemoteMcpServer]:
        return self.bridge.remote_servers()

    # --- edits (Preferences) -------------------------------------------------------------

    def save_server(
        self, config: McpServerConfig, secrets: ServerSecrets, replacing: str | None = None
    ) -> None:
        """Add or edit one server; raises InvalidServerConfig or KeyringUnavailable."""
        servers = self.servers.with_server(config, replacing)
        old = self.servers.named(replacing or config.name)
        if config.env_names or config.header_names:
            self.secrets.save(config, secrets)
        if old is not None and (old.name != config.name or old != config):
            self._forget_unused(old, config)
        self._commit(servers)

    def remove_server(self, name: str) -> None:
        old = self.servers.named(name)
        if old is not None:
            self.secrets.forget(old)
        self._commit(self.servers.without(name))

    def set_enabled(self, name: str, enabled: bool) -> None:
        old = self.servers.named(name)
        if old is not None and old.enabled != enabled:
            self._commit(self.servers.with_server(replace(old, enabled=enabled), name))

    def allow_remote_tool(self, name: str, tool: str) -> None:
        """The user chose "Always allow" for a remote server's tool: keep it, as a local
        tool's policy is kept (Preferences shows it and can take it back)."""
        old = self.servers.named(name)
        remote = old is not None and old.transport is McpTransport.REMOTE
        if old is None or not remote or not tool or tool in old.approved_tools:
            return
        changed = replace(old, approved_tools=(*old.approved_tools, tool))
        self._commit(self.servers.with_server(changed, name))

    def set_result_cap(self, chars: int) -> None:
        if chars != self.servers.result_cap_chars:
            self._commit(replace(self.servers, result_cap_chars=chars))

    def restart(self, name: str) -> None:
        self._run(self._restart(name))

    def import_servers(self, result: ImportResult) -> list[str]:
        """Add the imported servers (a name already taken is skipped); what was skipped."""
        skipped = list(result.skipped)
        servers = self.servers
        for imported in result.servers:
            if servers.named(imported.config.name) is not None:
                skipped.append(f"{imported.config.name}: a server with that name exists")
                continue
            try:
                self.secrets.save(imported.config, imported.secrets)
            except KeyringUnavailable as exc:
                skipped.append(f"{imported.config.name}: {exc}")
                continue
            servers = servers.with_server(imported.config)
        self._commit(servers)
        return skipped

    # --- internals -----------------------------------------------------------------------

    async def _restart(self, name: str) -> None:
        await self.bridge.restart(name)
        self.applied.emit()  # a restarted remote example may listen on another port

    def _forget_unused(self, old: McpServerConfig, new: McpServerConfig) -> None:
        if old.name != new.name:
            self.secrets.forget(old)
            return
        gone = replace(
            old,
            env_names=tuple(n for n in old.env_names if n not in new.env_names),
            header_names=tuple(n for n in old.header_names if n not in new.header_names),
        )
        self.secrets.forget(gone)

    def _commit(self, servers: McpServerList) -> None:
        try:
            self.store.save(servers)
        except OSError as exc:
            self.problem.emit(f"The MCP server list could not be saved: {exc}")
        self.bridge.servers = servers
        self.servers_changed.emit()
        self._run(self._apply(servers))

    async def _apply(self, servers: McpServerList) -> None:
        await self.bridge.apply(servers)
        self.applied.emit()

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("mcp: %s", task.exception(), exc_info=task.exception())
            self.problem.emit(f"An MCP server change failed: {task.exception()}")
