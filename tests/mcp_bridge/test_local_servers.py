"""The bridge against a real MCP server (tests.fixtures.mcp_test_server) over stdio and HTTP."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.engine.simulator_engines import tool_engine
from tests.fixtures.mcp_servers import (
    HTTP_TOKEN,
    HTTP_TOKEN_HEADER,
    REPO_ROOT,
    HttpMcpServer,
    child_pids,
    stdio_command,
)
from tests.fixtures.mcp_test_server import CRASH_LINE, STARTUP_LINE
from tests.waiting import wait_until
from voicelive_desktop.mcp_bridge.bridge import McpBridge
from voicelive_desktop.mcp_bridge.config import McpServerConfig, McpServerList, McpTransport
from voicelive_desktop.mcp_bridge.secrets import ServerSecrets
from voicelive_desktop.mcp_bridge.server_connection import McpServerStatus, ServerState
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.tools.registry import ToolError, ToolPolicy, ToolRegistry, ToolRisk


class FixedSecrets:
    """Stands in for the keyring where the test is not about the keyring."""

    def __init__(self, secrets: ServerSecrets | None = None) -> None:
        self.secrets = secrets or ServerSecrets()

    def read(self, server: McpServerConfig) -> ServerSecrets:
        return self.secrets


def stdio_config(name: str = "fake", **changes: object) -> McpServerConfig:
    command, args = stdio_command()
    fields: dict[str, object] = {
        "name": name,
        "command": command,
        "args": args,
        "cwd": str(REPO_ROOT),
    }
    fields.update(changes)
    return McpServerConfig(**fields)  # type: ignore[arg-type]


class Harness:
    def __init__(self, secrets: ServerSecrets | None = None) -> None:
        self.registry = ToolRegistry()
        self.bridge = McpBridge(self.registry, FixedSecrets(secrets), McpServerList())  # type: ignore[arg-type]
        self.statuses: list[McpServerStatus] = []
        self.bridge.subscribe(self.statuses.append)

    async def start(self, *configs: McpServerConfig, cap: int = 8000) -> None:
        await self.bridge.apply(McpServerList(configs, result_cap_chars=cap))

    async def call(self, name: str, arguments: dict[str, object] | None = None) -> str:
        spec = self.registry.get(name)
        assert spec is not None, f"{name} not registered: {[s.name for s in self.registry.specs()]}"
        return str(await spec.handler(arguments or {}))


@pytest_asyncio.fixture
async def harness() -> AsyncIterator[Harness]:
    h = Harness()
    try:
        yield h
    finally:
        await h.bridge.stop_all()


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


@pytest.mark.asyncio
async def test_stdio_tools_are_registered_with_their_schema_and_called(harness: Harness) -> None:
    await harness.start(stdio_config())
    status = harness.bridge.status("fake")
    assert status.state is ServerState.RUNNING, status
    assert "fake__echo" in status.tools and "fake__crash" in status.tools
    spec = harness.registry.get("fake__echo")
    assert spec is not None
    assert spec.description == "Echo the text back."
    assert spec.parameters["properties"]["text"]["type"] == "string"
    assert spec.risk is ToolRisk.EXTERNAL and spec.source == "mcp:fake"
    assert harness.registry.policy("fake__echo") is ToolPolicy.ASK
    assert await harness.call("fake__echo", {"text": "hello"}) == "echo: hello"


@pytest.mark.asyncio
async def test_http_server_gets_its_header_and_answers(http_mcp_server: HttpMcpServer) -> None:
    h = Harness(ServerSecrets(headers={HTTP_TOKEN_HEADER: HTTP_TOKEN}))
    config = McpServerConfig(
        name="web",
        transport=McpTransport.HTTP,
        url=http_mcp_server.url,
        header_names=(HTTP_TOKEN_HEADER,),
    )
    try:
        await h.start(config)
        assert h.bridge.status("web").state is ServerState.RUNNING, h.bridge.status("web")
        assert await h.call("web__echo", {"text": "over http"}) == "echo: over http"
    finally:
        await h.bridge.stop_all()


@pytest.mark.allow_log_warnings(r"mcp_bridge\.server_connection: mcp web: .* answered HTTP 401")
@pytest.mark.asyncio
async def test_http_server_without_its_header_fails_with_the_reason(
    http_mcp_server: HttpMcpServer,
) -> None:
    h = Harness()
    config = McpServerConfig(name="web", transport=McpTransport.HTTP, url=http_mcp_server.url)
    await h.start(config)
    status = h.bridge.status("web")
    assert status.state is ServerState.FAILED
    assert "401" in status.reason, status.reason
    assert h.registry.specs() == []
    await h.bridge.stop_all()


@pytest.mark.asyncio
async def test_long_output_is_capped_and_the_cap_is_reported(harness: Harness) -> None:
    await harness.start(stdio_config(), cap=500)
    text = await harness.call("fake__long_text", {"chars": 5000})
    assert text.startswith("x" * 500) and len(text) < 600
    assert "capped at 500 of 5000 characters" in text
    assert harness.bridge.status("fake").capped_calls == 1
    assert await harness.call("fake__long_text", {"chars": 20}) == "x" * 20


@pytest.mark.asyncio
async def test_error_result_reaches_the_model_as_a_tool_error(harness: Harness) -> None:
    await harness.start(stdio_config())
    with pytest.raises(ToolError, match="refused on purpose"):
        await harness.call("fake__refuse")
    assert harness.bridge.status("fake").state is ServerState.RUNNING


@pytest.mark.allow_log_warnings(
    r"mcp_bridge\.server_connection: mcp fake: The server closed its connection"
)
@pytest.mark.asyncio
async def test_crash_mid_call_fails_the_call_and_drops_the_tools(harness: Harness) -> None:
    await harness.start(stdio_config(), stdio_config("other"))
    with pytest.raises(ToolError, match="fake failed while running crash"):
        await harness.call("fake__crash")
    await wait_until(lambda: harness.bridge.status("fake").state is ServerState.FAILED)
    status = harness.bridge.status("fake")
    assert CRASH_LINE in status.stderr_tail and STARTUP_LINE in status.stderr_tail
    assert "exited" in status.reason or "closed" in status.reason
    assert not [s for s in harness.registry.specs() if s.source == "mcp:fake"]
    # The session goes on with the other server's tools.
    assert await harness.call("other__echo", {"text": "still here"}) == "echo: still here"


@pytest.mark.asyncio
async def test_hang_ends_in_a_timeout_with_the_reason(harness: Harness) -> None:
    await harness.start(stdio_config(call_timeout_s=1.0))
    spec = harness.registry.get("fake__hang")
    assert spec is not None and spec.timeout_s > 1.0
    with pytest.raises(ToolError, match=r"did not answer hang within 1 s"):
        await harness.call("fake__hang")
    status = harness.bridge.status("fake")
    assert "did not answer hang" in status.reason and STARTUP_LINE in status.stderr_tail


@pytest.mark.asyncio
async def test_tools_list_changed_registers_the_new_tool_live(harness: Harness) -> None:
    await harness.start(stdio_config())
    changes: list[int] = []
    harness.registry.subscribe(lambda: changes.append(1))
    assert harness.registry.get("fake__fresh") is None
    assert await harness.call("fake__add_tool") == "added"
    await wait_until(lambda: harness.registry.get("fake__fresh") is not None)
    assert changes
    assert await harness.call("fake__fresh") == "fresh!"


@pytest.mark.allow_log_warnings(
    r"mcp_bridge\.server_connection: mcp fake: The command .* was not found"
)
@pytest.mark.asyncio
async def test_a_command_that_does_not_exist_fails_with_the_reason(harness: Harness) -> None:
    await harness.start(stdio_config(command="/nonexistent/mcp-server"))
    status = harness.bridge.status("fake")
    assert status.state is ServerState.FAILED
    assert "was not found" in status.reason


@pytest.mark.allow_log_warnings(
    r"mcp_bridge\.server_connection: mcp fake: The server ended the connection while starting"
)
@pytest.mark.asyncio
async def test_a_server_that_exits_at_start_shows_its_stderr(
    harness: Harness, tmp_path: Path
) -> None:
    script = tmp_path / "broken.py"
    script.write_text(
        "import sys\nprint('config file missing: /x.toml', file=sys.stderr)\nsys.exit(2)\n"
    )
    await harness.start(stdio_config(args=(str(script),)))
    status = harness.bridge.status("fake")
    assert status.state is ServerState.FAILED
    assert "config file missing: /x.toml" in status.stderr_tail


@pytest.mark.asyncio
async def test_no_server_process_outlives_disable_or_quit(harness: Harness) -> None:
    before = child_pids()
    await harness.start(stdio_config("one"), stdio_config("two"))
    pids = {int(json.loads(await harness.call(f"{n}__pid"))) for n in ("one", "two")}
    assert pids <= child_pids() - before
    disabled = dataclasses.replace(stdio_config("one"), enabled=False)
    await harness.bridge.apply(McpServerList((disabled, stdio_config("two"))))
    one_pid = int(await harness.call("two__pid"))
    assert harness.bridge.status("one").state is ServerState.STOPPED
    assert harness.registry.get("one__echo") is None
    assert [alive(p) for p in sorted(pids - {one_pid})] == [False]
    await harness.bridge.stop_all()
    await wait_until(lambda: not any(alive(p) for p in pids))
    assert child_pids() - before == set()


@pytest.mark.asyncio
async def test_restart_gives_a_new_process(harness: Harness) -> None:
    await harness.start(stdio_config())
    first = await harness.call("fake__pid")
    status = await harness.bridge.restart("fake")
    assert status.state is ServerState.RUNNING
    second = await harness.call("fake__pid")
    assert first != second and not alive(int(first))


@pytest.mark.asyncio
async def test_tools_list_changed_reaches_the_live_session(harness: Harness) -> None:
    """End to end: the server's notification, the registry, then a session.update."""
    await harness.start(stdio_config())
    async with VoiceLiveSimulator() as sim:
        engine, _ = tool_engine(sim, harness.registry)
        await engine.start()
        try:
            first = sim.received_of("session.update")[-1]["session"]["tools"]
            assert "fake__echo" in str(first) and "fake__fresh" not in str(first)
            await harness.call("fake__add_tool")
            await sim.wait_for_event(
                "session.update", predicate=lambda e: "fake__fresh" in str(e["session"]["tools"])
            )
        finally:
            await engine.stop()


@pytest.mark.asyncio
async def test_configured_env_reaches_the_server_and_the_apps_own_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The MCP SDK starts a stdio server with a minimal environment (PATH, HOME, ...) plus the
    # server's own entries: a token in the app's environment must not leak to every server.
    monkeypatch.setenv("VOICELIVE_TEST_APP_ONLY", "app")
    harness = Harness(ServerSecrets(env={"VOICELIVE_TEST_ENTRY": "from-its-entry"}))
    try:
        await harness.start(stdio_config(env_names=("VOICELIVE_TEST_ENTRY",)))
        assert harness.bridge.status("fake").state is ServerState.RUNNING
        value = await harness.call("fake__env_value", {"name": "VOICELIVE_TEST_ENTRY"})
        assert value == "from-its-entry"
        unset = await harness.call("fake__env_value", {"name": "VOICELIVE_TEST_APP_ONLY"})
        assert unset == "<unset>"
        assert await harness.call("fake__env_value", {"name": "PATH"}) != "<unset>"
    finally:
        await harness.bridge.stop_all()
