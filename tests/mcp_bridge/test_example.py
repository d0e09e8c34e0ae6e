"""The shipped dice example: as a remote server the app hosts it, on another port if needed;
as a local one its seed comes from its own env entry."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import random
import socket
from collections.abc import Iterator

import pytest

from tests.mcp_bridge.test_local_servers import FixedSecrets, child_pids
from tests.waiting import wait_until
from voicelive_desktop.mcp_bridge.bridge import McpBridge
from voicelive_desktop.mcp_bridge.config import McpServerList
from voicelive_desktop.mcp_bridge.example import (
    EXAMPLE_REMOTE_PORT,
    EXAMPLE_REMOTE_URL,
    example_local_config,
    example_remote_config,
)
from voicelive_desktop.mcp_bridge.secrets import ServerSecrets
from voicelive_desktop.mcp_bridge.status import ServerState
from voicelive_desktop.simulator.remote_mcp import RemoteServer, call_tool, list_tools
from voicelive_desktop.tools.registry import ToolRegistry


@contextlib.contextmanager
def port_taken(port: int) -> Iterator[None]:
    """Another program holds `port` (if something already does, that will do as well)."""
    try:
        holder = socket.create_server(("127.0.0.1", port))
    except OSError:
        yield
        return
    with holder:
        yield


@pytest.mark.asyncio
async def test_the_remote_example_moves_to_a_free_port_when_its_own_is_taken() -> None:
    before = child_pids()
    bridge = McpBridge(ToolRegistry(), FixedSecrets(), McpServerList())  # type: ignore[arg-type]
    with port_taken(EXAMPLE_REMOTE_PORT):
        try:
            await bridge.apply(McpServerList((example_remote_config(),)))
            assert bridge.status("dice-remote").state is ServerState.RUNNING
            (remote,) = bridge.remote_servers()
            assert remote.server_url != EXAMPLE_REMOTE_URL
            assert remote.server_url.startswith("http://127.0.0.1:")
            server = RemoteServer("dice-remote", remote.server_url, {}, None, "never")
            assert [t["name"] for t in await list_tools(server)] == ["roll_dice"]
            output, error = await call_tool(server, "roll_dice", '{"sides": 6}')
            assert error == "" and '"total"' in output
        finally:
            await bridge.stop_all()
    await wait_until(lambda: child_pids() - before == set(), what="the host gone")


@pytest.mark.asyncio
async def test_restarting_a_remote_entry_restarts_its_host_not_a_local_copy() -> None:
    registry = ToolRegistry()
    bridge = McpBridge(registry, FixedSecrets(), McpServerList())  # type: ignore[arg-type]
    try:
        await bridge.apply(McpServerList((example_remote_config(),)))
        (before,) = bridge.remote_servers()
        status = await bridge.restart("dice-remote")
        assert status.state is ServerState.RUNNING
        # The service calls a remote server: the app never offers its tools as its own.
        assert registry.specs() == []
        (after,) = bridge.remote_servers()
        server = RemoteServer("dice-remote", after.server_url, {}, None, "never")
        assert [t["name"] for t in await list_tools(server)] == ["roll_dice"]
        assert before.server_label == after.server_label
    finally:
        await bridge.stop_all()


def test_a_failed_listing_of_a_loopback_server_says_the_service_cannot_reach_it() -> None:
    bridge = McpBridge(ToolRegistry(), FixedSecrets(), McpServerList((example_remote_config(),)))  # type: ignore[arg-type]
    bridge.note_remote_listing("dice-remote", "failed", ())
    reason = bridge.status("dice-remote").reason
    assert reason.startswith("The service could not list its tools.")
    assert "cannot reach an address on this computer" in reason and "offline demo" in reason


async def _local_dice_rolls(secrets: ServerSecrets) -> list[int]:
    """Five d1000 rolls from a fresh local dice server whose entry has `secrets`' env."""
    config = dataclasses.replace(example_local_config(), env_names=tuple(secrets.env))
    registry = ToolRegistry()
    bridge = McpBridge(registry, FixedSecrets(secrets), McpServerList())  # type: ignore[arg-type]
    try:
        await bridge.apply(McpServerList((config,)))
        spec = registry.get("dice__roll_dice")
        assert spec is not None, bridge.status("dice")
        result = json.loads(str(await spec.handler({"sides": 1000, "count": 5})))
        return list(result["rolls"])
    finally:
        await bridge.stop_all()


@pytest.mark.asyncio
async def test_the_local_dice_server_takes_its_seed_from_its_env_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seeded = random.Random(7)
    expected = [seeded.randint(1, 1000) for _ in range(5)]
    assert await _local_dice_rolls(ServerSecrets(env={"VOICELIVE_DICE_SEED": "7"})) == expected
    # The app's own environment does not reach a stdio server: no entry, no seed.
    monkeypatch.setenv("VOICELIVE_DICE_SEED", "7")
    assert await _local_dice_rolls(ServerSecrets()) != expected
