"""How each local MCP server is doing, and the names its tools get: no `mcp` import here, so
the app can show the server list without loading the MCP SDK until a server starts."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

_TOOL_NAME_CHARS = re.compile(r"[^A-Za-z0-9_-]")


class ServerState(str, enum.Enum):
    """Where one server is in its life."""

    STOPPED = "stopped"
    STARTING = "starting"
    RUNNING = "running"
    FAILED = "failed"


@dataclass(frozen=True)
class McpServerStatus:
    """What the Preferences list shows for one server."""

    name: str
    state: ServerState
    tools: tuple[str, ...] = ()  # the names exposed to the model
    reason: str = ""  # why it failed (or the last call's problem), one sentence
    stderr_tail: str = ""
    capped_calls: int = 0  # calls whose output the result cap cut


def exposed_name(server: str, tool: str) -> str:
    """`<server>__<tool>`, with characters a function name may not have made '_' and cut to
    the 64 characters the Realtime API allows."""
    return f"{server}__{_TOOL_NAME_CHARS.sub('_', tool)}"[:64]
