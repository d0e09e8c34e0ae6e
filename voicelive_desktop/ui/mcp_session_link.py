"""Joins the MCP servers to the conversation and the window: remote servers reach the session,
the service's listings and "always allow" answers reach the bridge, failures reach the user."""

from __future__ import annotations

from PySide6.QtCore import QObject

from voicelive_desktop.engine import SessionEngine
from voicelive_desktop.engine.events import RemoteMcpToolAllowed, RemoteMcpToolsListed
from voicelive_desktop.engine.remote_mcp_config import RemoteMcpServer
from voicelive_desktop.mcp_bridge.status import McpServerStatus, ServerState
from voicelive_desktop.ui.engine_adapter import ConversationSession, EngineAdapter
from voicelive_desktop.ui.main_window import MainWindow
from voicelive_desktop.ui.mcp_binding import McpBinding


def use_remote_mcp(session: ConversationSession, servers: list[RemoteMcpServer]) -> None:
    """Give a new session's engine the remote MCP servers (before it connects)."""
    engine = getattr(session, "engine", session)
    if isinstance(engine, SessionEngine):
        engine.use_remote_mcp(servers)


class McpSessionLink(QObject):
    """Owns the wiring between the MCP servers (`McpBinding`), the engine adapter's session
    and the window, in both directions."""

    def __init__(
        self, mcp: McpBinding, adapter: EngineAdapter, window: MainWindow, parent: QObject
    ) -> None:
        super().__init__(parent)
        self._mcp = mcp
        self._adapter = adapter
        self._window = window
        mcp.applied.connect(self._remote_servers_changed)
        mcp.problem.connect(window.show_error)
        mcp.status_changed.connect(self._status_changed)
        adapter.event_received.connect(self._remote_listing)

    def session_made(self, session: ConversationSession) -> None:
        """A new session offers the remote servers from its first session config on."""
        use_remote_mcp(session, self._mcp.remote_servers())

    def _remote_listing(self, event: object) -> None:
        if isinstance(event, RemoteMcpToolsListed):
            self._mcp.bridge.note_remote_listing(
                event.server_label, event.status, event.tools, event.error
            )
        elif isinstance(event, RemoteMcpToolAllowed):
            self._mcp.allow_remote_tool(event.server_label, event.tool)

    def _remote_servers_changed(self) -> None:
        """A remote server added, edited or switched in Preferences reaches the live session
        too, as a local server's tools do."""
        if self._adapter.session is not None:
            use_remote_mcp(self._adapter.session, self._mcp.remote_servers())

    def _status_changed(self, status: McpServerStatus) -> None:
        """A server that fails says so in the window too; its stderr is in Preferences."""
        if status.state is ServerState.FAILED:
            self._window.show_error(
                f"The MCP server {status.name} stopped: {status.reason} Its tools are not "
                "offered; Preferences → Tools shows its last output."
            )
