"""Import the `{"mcpServers": {name: {...}}}` file other MCP clients use.

Claude Desktop and Cursor write this shape, VS Code the same entries under "servers":
`command`, `args`, `env` for a stdio server, `url` (with `type` "http" or "streamable-http")
and `headers` for an HTTP one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from voicelive_desktop.mcp_bridge.config import InvalidServerConfig, McpServerConfig, McpTransport
from voicelive_desktop.mcp_bridge.secrets import ServerSecrets


class ImportRefused(ValueError):
    """The file is not an mcpServers config; the message says what is wrong."""


@dataclass(frozen=True)
class ImportedServer:
    """One server from the file, with the env/header values to put in the keyring."""

    config: McpServerConfig
    secrets: ServerSecrets


@dataclass(frozen=True)
class ImportResult:
    """The usable servers, and one line for each entry that was skipped and why."""

    servers: tuple[ImportedServer, ...]
    skipped: tuple[str, ...]


def usable_server_name(name: str) -> str:
    """`name` made into a valid server name: other characters and runs of '_' become '-'."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", name.strip())
    cleaned = re.sub(r"_{2,}", "_", cleaned).strip("-_")
    return cleaned[:24] or "server"


def parse_mcp_servers_json(text: str) -> ImportResult:
    """Read the file's text; raises ImportRefused when it is not the expected shape."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ImportRefused(f"The file is not valid JSON ({exc}).") from None
    # Claude Desktop and Cursor write "mcpServers"; VS Code's .vscode/mcp.json writes "servers".
    entries = data.get("mcpServers", data.get("servers")) if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise ImportRefused(
            'The file has no "mcpServers" (or "servers") object, so it is not an MCP config.'
        )
    servers: list[ImportedServer] = []
    skipped: list[str] = []
    for raw_name, entry in entries.items():
        try:
            servers.append(_imported(usable_server_name(str(raw_name)), entry))
        except (InvalidServerConfig, TypeError, ValueError) as exc:
            skipped.append(f"{raw_name}: {exc}")
    return ImportResult(tuple(servers), tuple(skipped))


def _string_map(value: object, what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidServerConfig(f"{what} must be an object")
    return {str(k): str(v) for k, v in value.items()}


def _imported(name: str, entry: object) -> ImportedServer:
    if not isinstance(entry, dict):
        raise InvalidServerConfig("the entry is not an object")
    env = _string_map(entry.get("env"), "env")
    headers = _string_map(entry.get("headers"), "headers")
    if "url" in entry:
        kind = entry.get("type", "http")
        if kind not in ("http", "streamable-http", "streamableHttp"):
            raise InvalidServerConfig(f"transport {kind!r} is not supported (use streamable HTTP)")
        config = McpServerConfig(
            name=name,
            transport=McpTransport.HTTP,
            url=str(entry["url"]),
            header_names=tuple(headers),
            enabled=not entry.get("disabled", False),
        )
    else:
        args = entry.get("args", [])
        if not isinstance(args, list):
            raise InvalidServerConfig("args must be a list")
        config = McpServerConfig(
            name=name,
            command=str(entry.get("command", "")),
            args=tuple(str(a) for a in args),
            cwd=str(entry.get("cwd", "")),
            env_names=tuple(env),
            enabled=not entry.get("disabled", False),
        )
    config.validate()
    return ImportedServer(config, ServerSecrets(env, headers))
