"""The server list file, its validation, the mcpServers import and secrets in the keyring."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from tests.fixtures.mcp_servers import REPO_ROOT, stdio_command
from tests.fixtures.secret_service import SecretServiceKeyring
from voicelive_desktop.logging_setup import setup_logging
from voicelive_desktop.mcp_bridge.bridge import McpBridge
from voicelive_desktop.mcp_bridge.config import (
    InvalidServerConfig,
    McpServerConfig,
    McpServerList,
    McpServerStore,
    McpTransport,
)
from voicelive_desktop.mcp_bridge.import_json import ImportRefused, parse_mcp_servers_json
from voicelive_desktop.mcp_bridge.secrets import KEYRING_SERVICE, McpSecretStore, ServerSecrets
from voicelive_desktop.mcp_bridge.server_connection import ServerState, exposed_name
from voicelive_desktop.tools.registry import ToolRegistry

CLAUDE_STYLE = {
    "mcpServers": {
        "filesystem": {
            "command": "npx",
            "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/me"],
        },
        "github tools": {
            "command": "github-mcp",
            "env": {"GITHUB_TOKEN": "ghp_secretsecretsecret1234"},
        },
        "remote": {
            "type": "http",
            "url": "https://mcp.example.com/mcp",
            "headers": {"Authorization": "Bearer abcdefghijkl123456"},
        },
        "sse-only": {"type": "sse", "url": "https://old.example.com/sse"},
        "broken": {"args": ["no command"]},
    }
}


def test_import_reads_the_common_format_and_says_what_it_skipped() -> None:
    result = parse_mcp_servers_json(json.dumps(CLAUDE_STYLE))
    by_name = {s.config.name: s for s in result.servers}
    assert set(by_name) == {"filesystem", "github-tools", "remote"}
    assert by_name["filesystem"].config.args[-1] == "/home/me"
    github = by_name["github-tools"]
    assert github.config.env_names == ("GITHUB_TOKEN",)
    assert github.secrets.env == {"GITHUB_TOKEN": "ghp_secretsecretsecret1234"}
    assert "ghp_" not in repr(github)
    remote = by_name["remote"].config
    assert remote.transport is McpTransport.HTTP and remote.header_names == ("Authorization",)
    assert [line.split(":")[0] for line in result.skipped] == ["sse-only", "broken"]


def test_import_reads_vs_code_mcp_json() -> None:
    vs_code = {
        "inputs": [],
        "servers": {
            "fetch": {"type": "stdio", "command": "uvx", "args": ["mcp-server-fetch"]},
            "docs": {"type": "http", "url": "https://docs.example.test/mcp"},
        },
    }
    result = parse_mcp_servers_json(json.dumps(vs_code))
    by_name = {s.config.name: s.config for s in result.servers}
    assert by_name["fetch"].command == "uvx" and by_name["fetch"].args == ("mcp-server-fetch",)
    assert by_name["docs"].transport is McpTransport.HTTP and result.skipped == ()


@pytest.mark.parametrize("text", ["{not json", "[]", '{"mcpServers": []}', '{"other": {}}'])
def test_import_refuses_a_file_that_is_not_an_mcp_config(text: str) -> None:
    with pytest.raises(ImportRefused):
        parse_mcp_servers_json(text)


@pytest.mark.parametrize("name", ["", "a__b", "has space", "x" * 25, "_lead"])
def test_server_names_that_cannot_prefix_a_tool_name_are_refused(name: str) -> None:
    with pytest.raises(InvalidServerConfig):
        McpServerConfig(name=name, command="x").validate()


def test_exposed_names_fit_the_function_name_rule() -> None:
    assert exposed_name("dice", "roll_dice") == "dice__roll_dice"
    assert exposed_name("fs", "read.file/v2") == "fs__read_file_v2"
    assert len(exposed_name("a" * 24, "b" * 80)) == 64


@pytest.mark.allow_log_warnings(r"mcp_bridge\.config: mcp servers: skipped")
def test_store_round_trips_and_skips_a_bad_entry(tmp_path: Path) -> None:
    store = McpServerStore(tmp_path)
    servers = McpServerList().with_server(McpServerConfig(name="dice", command="python3"))
    servers = servers.with_server(
        McpServerConfig(name="web", transport=McpTransport.HTTP, url="http://127.0.0.1:1/mcp")
    )
    remote = McpServerConfig(
        name="far", transport=McpTransport.REMOTE, url="https://x/mcp", approved_tools=("a",)
    )
    servers = servers.with_server(remote)
    store.save(servers)
    assert store.load().servers == servers
    data = json.loads(store.path.read_text())
    data["servers"].append({"name": "bad name", "command": "x"})
    store.path.write_text(json.dumps(data))
    loaded = store.load()
    assert loaded.servers == servers and "bad name" in (loaded.message or "")
    with pytest.raises(InvalidServerConfig, match="already a server"):
        servers.with_server(McpServerConfig(name="web", command="x"), replacing="dice")


@pytest.mark.allow_log_warnings(r"^probe: the token is \[REDACTED\]")
@pytest.mark.keyring
@pytest.mark.asyncio
async def test_secrets_go_to_the_keyring_never_the_file_or_the_log(
    secret_service_keyring: SecretServiceKeyring, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "sk-live-7a1f0c39d2e84b6f"
    command, args = stdio_command()
    config = McpServerConfig(
        name="fake", command=command, args=args, cwd=str(REPO_ROOT), env_names=("API_TOKEN",)
    )
    secrets = McpSecretStore()
    secrets.save(config, ServerSecrets(env={"API_TOKEN": secret}))
    header = "hdr-91c2e7f04b3a"
    remote = McpServerConfig(
        name="far", transport=McpTransport.REMOTE, url="https://x/mcp", header_names=("X-Key",)
    )
    secrets.save(remote, ServerSecrets(headers={"X-Key": header}))
    store = McpServerStore(tmp_path)
    store.save(McpServerList((config, remote)))
    assert secret not in store.path.read_text() and header not in store.path.read_text()
    # The session gets the header value from the keyring; its repr (a log line) does not.
    remote_servers = McpBridge(ToolRegistry(), McpSecretStore(), store.load().servers)
    (far,) = remote_servers.remote_servers()
    assert far.headers == {"X-Key": header} and header not in repr(far)
    assert (
        secret_service_keyring.backend.get_password(KEYRING_SERVICE, "fake/env/API_TOKEN") == secret
    )

    caplog.set_level(logging.DEBUG)
    root = logging.getLogger()
    handlers_before = list(root.handlers)
    log_path = setup_logging("DEBUG", console=False)
    assert log_path is not None
    registry = ToolRegistry()
    bridge = McpBridge(registry, McpSecretStore(), store.load().servers)
    try:
        await bridge.apply(store.load().servers)
        assert bridge.status("fake").state is ServerState.RUNNING
        spec = registry.get("fake__env_value")
        assert spec is not None
        # The server got the value from the keyring; the log never shows it.
        assert await spec.handler({"name": "API_TOKEN"}) == secret
        logging.getLogger("probe").warning("the token is %s", secret)
        logging.getLogger("probe").warning("the token is %s", header)
    finally:
        await bridge.stop_all()
    for handler in [h for h in root.handlers if h not in handlers_before]:
        handler.flush()
        root.removeHandler(handler)
        handler.close()
    written = log_path.read_text(encoding="utf-8")
    assert "the token is" in written and "mcp fake: 8 tools" in written
    assert secret not in written and header not in written
    secrets.forget(config)
    secrets.forget(remote)
    assert (
        secret_service_keyring.backend.get_password(KEYRING_SERVICE, "fake/env/API_TOKEN") is None
    )
