"""Remote MCP servers, which the service itself calls, as `MCPServer` tools of the session."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from azure.ai.voicelive.models import MCPServer, RequestSession


@dataclass(frozen=True)
class RemoteMcpServer:
    """One server the service connects to; header and authorization values come from the
    keyring and are never logged (the repr hides them)."""

    server_label: str
    server_url: str
    allowed_tools: tuple[str, ...] = ()  # empty: every tool the server lists
    # "always" or "never", or per tool: {"never": [tool, ...]} (the MCP how-to's "per-tool
    # dictionary"; SDK 1.3.1 types it dict[str, list[str]]), tools not listed asking first.
    require_approval: str | Mapping[str, Sequence[str]] = "always"
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    authorization: str = field(default="", repr=False)


def mcp_server_tool(server: RemoteMcpServer) -> MCPServer:
    approval = server.require_approval
    tool = MCPServer(
        server_label=server.server_label,
        server_url=server.server_url,
        require_approval=approval
        if isinstance(approval, str)
        else {kind: list(tools) for kind, tools in approval.items()},
    )
    if server.allowed_tools:
        tool["allowed_tools"] = list(server.allowed_tools)
    if server.headers:
        tool["headers"] = dict(server.headers)
    if server.authorization:
        tool["authorization"] = server.authorization
    return tool


def with_remote_mcp(session: RequestSession, servers: Sequence[RemoteMcpServer]) -> RequestSession:
    """`session` with an `MCPServer` tool per server, after any function tools it has."""
    if servers:
        existing = list(session.get("tools") or [])
        session["tools"] = existing + [mcp_server_tool(s) for s in servers]
    return session
