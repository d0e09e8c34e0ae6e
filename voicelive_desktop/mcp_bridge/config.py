"""Which local MCP servers the user added: the typed config and its file, mcp_servers.json.

Only names of environment variables and headers are kept here; their values may be secrets
and live in the keyring (see `secrets.py`).
"""

from __future__ import annotations

import enum
import json
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from voicelive_desktop.atomic_file import write_text_atomically

log = logging.getLogger(__name__)

SERVERS_FILE_NAME = "mcp_servers.json"
FILE_VERSION = 1
DEFAULT_RESULT_CAP_CHARS = 8000
RESULT_CAP_RANGE = (200, 200_000)
DEFAULT_CALL_TIMEOUT_S = 30.0
CALL_TIMEOUT_RANGE = (1.0, 600.0)
# Letters, digits and single '-' or '_': the exposed name `<server>__<tool>` must split on the
# first "__" and stay within the 64 characters a function tool name may have.
_SERVER_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]|_(?!_)){0,23}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


class InvalidServerConfig(ValueError):
    """A server's config cannot be used; the message names the field and the fix."""


class McpTransport(str, enum.Enum):
    """How the app talks to a local server."""

    STDIO = "stdio"  # the app starts the command and speaks JSON-RPC on its stdin/stdout
    HTTP = "http"  # streamable HTTP to a URL the server already listens on
    REMOTE = "remote"  # the Voice Live service connects to the URL itself (an MCPServer tool)


@dataclass(frozen=True)
class McpServerConfig:
    """One local MCP server as the user set it up (no secret values)."""

    name: str
    transport: McpTransport = McpTransport.STDIO
    command: str = ""
    args: tuple[str, ...] = ()
    cwd: str = ""
    env_names: tuple[str, ...] = ()  # values in the keyring
    url: str = ""
    header_names: tuple[str, ...] = ()  # values in the keyring
    enabled: bool = True
    call_timeout_s: float = DEFAULT_CALL_TIMEOUT_S
    allowed_tools: tuple[str, ...] = ()  # remote only; empty: all
    require_approval: str = "always"  # remote only: "always" or "never"
    # Remote only, with "always": tools the user chose "Always allow" for; the service is told
    # to run them without asking (its per-tool require_approval dictionary).
    approved_tools: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """The registry source of this server's tools."""
        return f"mcp:{self.name}"

    def validate(self) -> None:
        """Raise InvalidServerConfig naming the first thing that is wrong."""
        if not _SERVER_NAME.match(self.name):
            raise InvalidServerConfig(
                f"The server name {self.name!r} must be 1-24 letters, digits, '-' or single "
                "'_' (it becomes the first part of each tool's name)."
            )
        if self.transport is McpTransport.STDIO and not self.command.strip():
            raise InvalidServerConfig(f"Server {self.name!r}: enter the command to run.")
        if self.require_approval not in ("always", "never"):
            raise InvalidServerConfig(f"Server {self.name!r}: approval must be always or never.")
        if self.transport is not McpTransport.STDIO and not re.match(r"^https?://\S+$", self.url):
            raise InvalidServerConfig(
                f"Server {self.name!r}: the URL must start with http:// or https:// "
                f"(got {self.url!r})."
            )
        for name in self.env_names:
            if not _ENV_NAME.match(name):
                raise InvalidServerConfig(
                    f"Server {self.name!r}: {name!r} is not an environment variable name."
                )
        for name in self.header_names:
            if not _HEADER_NAME.match(name):
                raise InvalidServerConfig(f"Server {self.name!r}: {name!r} is not a header name.")
        low, high = CALL_TIMEOUT_RANGE
        if not low <= self.call_timeout_s <= high:
            raise InvalidServerConfig(
                f"Server {self.name!r}: the call timeout must be {low:g}-{high:g} s."
            )


@dataclass(frozen=True)
class McpServerList:
    """Every local server in the order the user added them, and the bridge-wide result cap."""

    servers: tuple[McpServerConfig, ...] = ()
    result_cap_chars: int = DEFAULT_RESULT_CAP_CHARS

    def named(self, name: str) -> McpServerConfig | None:
        return next((s for s in self.servers if s.name == name), None)

    def with_server(self, server: McpServerConfig, replacing: str | None = None) -> McpServerList:
        """Add `server`, or put it in place of the one called `replacing` (an edit)."""
        server.validate()
        old = replacing if replacing is not None else server.name
        taken = {s.name for s in self.servers if s.name != old}
        if server.name in taken:
            raise InvalidServerConfig(f"There is already a server called {server.name!r}.")
        if self.named(old) is None:
            return replace(self, servers=(*self.servers, server))
        servers = tuple(server if s.name == old else s for s in self.servers)
        return replace(self, servers=servers)

    def without(self, name: str) -> McpServerList:
        return replace(self, servers=tuple(s for s in self.servers if s.name != name))


@dataclass(frozen=True)
class LoadedServers:
    """What the store read, and one message for the UI when part of it was unusable."""

    servers: McpServerList = field(default_factory=McpServerList)
    message: str | None = None


class McpServerStore:
    """Reads and atomically writes mcp_servers.json beside settings.json."""

    def __init__(self, config_dir: Path) -> None:
        self.path = config_dir / SERVERS_FILE_NAME

    def load(self) -> LoadedServers:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return LoadedServers()
        except (OSError, ValueError) as exc:
            log.warning("mcp servers: cannot read %s: %s", self.path, exc)
            return LoadedServers(message=f"Could not read the MCP server list {self.path}: {exc}")
        if not isinstance(data, dict):
            return LoadedServers(message=f"The MCP server list {self.path} is not a JSON object.")
        problems: list[str] = []
        servers: list[McpServerConfig] = []
        for raw in data.get("servers", []):
            try:
                server = _server_from_json(raw)
                server.validate()
            except (InvalidServerConfig, TypeError, ValueError) as exc:
                problems.append(str(exc))
                continue
            servers.append(server)
        cap = data.get("result_cap_chars", DEFAULT_RESULT_CAP_CHARS)
        if not isinstance(cap, int) or not RESULT_CAP_RANGE[0] <= cap <= RESULT_CAP_RANGE[1]:
            problems.append(f"the result cap {cap!r} is out of range")
            cap = DEFAULT_RESULT_CAP_CHARS
        message = None
        if problems:
            log.warning("mcp servers: skipped: %s", "; ".join(problems))
            message = "Some MCP servers could not be loaded: " + "; ".join(problems)
        return LoadedServers(McpServerList(tuple(servers), cap), message)

    def save(self, servers: McpServerList) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "version": FILE_VERSION,
            "result_cap_chars": servers.result_cap_chars,
            "servers": [_server_to_json(s) for s in servers.servers],
        }
        write_text_atomically(self.path, json.dumps(data, indent=2) + "\n")


def _server_to_json(server: McpServerConfig) -> dict[str, Any]:
    return {
        "name": server.name,
        "transport": server.transport.value,
        "command": server.command,
        "args": list(server.args),
        "cwd": server.cwd,
        "env_names": list(server.env_names),
        "url": server.url,
        "header_names": list(server.header_names),
        "enabled": server.enabled,
        "call_timeout_s": server.call_timeout_s,
        "allowed_tools": list(server.allowed_tools),
        "require_approval": server.require_approval,
        "approved_tools": list(server.approved_tools),
    }


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidServerConfig(f"{what} must be a list of strings")
    return tuple(value)


def _server_from_json(raw: Any) -> McpServerConfig:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise InvalidServerConfig(f"an entry without a name: {raw!r:.80}")
    name = raw["name"]
    timeout = raw.get("call_timeout_s", DEFAULT_CALL_TIMEOUT_S)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool):
        raise InvalidServerConfig(f"{name}: call_timeout_s must be a number")
    return McpServerConfig(
        name=name,
        transport=McpTransport(raw.get("transport", "stdio")),
        command=str(raw.get("command", "")),
        args=_strings(raw.get("args", []), f"{name}: args"),
        cwd=str(raw.get("cwd", "")),
        env_names=_strings(raw.get("env_names", []), f"{name}: env_names"),
        url=str(raw.get("url", "")),
        header_names=_strings(raw.get("header_names", []), f"{name}: header_names"),
        enabled=bool(raw.get("enabled", True)),
        call_timeout_s=float(timeout),
        allowed_tools=_strings(raw.get("allowed_tools", []), f"{name}: allowed_tools"),
        require_approval=str(raw.get("require_approval", "always")),
        approved_tools=_strings(raw.get("approved_tools", []), f"{name}: approved_tools"),
    )
