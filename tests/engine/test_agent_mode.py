"""Foundry agent mode: the SDK's agent parameters on the wire, the agent's persona and cards."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from azure.core.credentials import AccessToken
from azure.core.credentials_async import AsyncTokenCredential

from tests.engine.conftest import EventLog
from voicelive_desktop.engine import (
    AssistantTranscriptCompleted,
    ConnectionSettings,
    SessionEngine,
    SessionSettings,
    key_credential,
)
from voicelive_desktop.engine.agent_mode import InvalidAgentSettings
from voicelive_desktop.engine.events import ToolCallFinished, ToolCallStarted, ToolCallStatus
from voicelive_desktop.engine.remote_mcp_config import RemoteMcpServer
from voicelive_desktop.engine.session_settings import (
    AuthMethod,
    ConnectionProfile,
    FoundryAgentSettings,
)
from voicelive_desktop.protocol import DEMO_API_KEY, REALTIME_PATH
from voicelive_desktop.simulator import VoiceLiveSimulator

pytestmark = pytest.mark.asyncio


class StaticToken(AsyncTokenCredential):
    """An Entra ID credential that always hands out the same bearer token."""

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken("entra-test-token", int(time.time()) + 3600)

    async def close(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> None:
        return None


def agent_connection(endpoint: str, **agent: str) -> ConnectionSettings:
    fields = {"agent_name": "HelpDesk", "project_name": "contoso-support", **agent}
    return ConnectionSettings(
        endpoint=endpoint,
        auth=AuthMethod.ENTRA_ID,
        profile=ConnectionProfile.FOUNDRY_AGENT,
        agent=FoundryAgentSettings(**fields),
    )


@asynccontextmanager
async def text_agent_session(
    sim: VoiceLiveSimulator,
) -> AsyncIterator[tuple[SessionEngine, EventLog]]:
    """A started text-only engine in agent mode on `sim`, with a log of its events."""
    engine = SessionEngine(
        agent_connection(sim.endpoint), StaticToken(), SessionSettings(modalities=("text",))
    )
    log = EventLog()
    engine.subscribe(log)
    await engine.start()
    try:
        yield engine, log
    finally:
        await engine.stop()


async def test_agent_parameters_go_on_the_wire_and_the_agent_keeps_its_instructions(
    sim: VoiceLiveSimulator,
) -> None:
    settings = agent_connection(sim.endpoint, agent_version="3", conversation_id="conv_42")
    engine = SessionEngine(
        settings,
        StaticToken(),
        SessionSettings(modalities=("text",), instructions="Talk like a pirate."),
        remote_mcp=(RemoteMcpServer("x", "http://127.0.0.1:9/mcp"),),
    )
    log = EventLog()
    engine.subscribe(log)
    await engine.start()
    try:
        agent = sim.sessions[max(sim.sessions)].agent
        assert agent is not None
        assert (agent.name, agent.project, agent.version, agent.conversation_id) == (
            "HelpDesk",
            "contoso-support",
            "3",
            "conv_42",
        )
        query, signed_in = sim.handshake_queries[-1]
        assert signed_in == "bearer"  # the Entra ID token, never an API key
        agent_keys = {k: v for k, v in query.items() if k not in ("api-version", "x-ms-client-sdk")}
        assert agent_keys == {  # as the SDK's connect(agent_name=..., ...) puts them, no model
            "agent-name": "HelpDesk",
            "agent-project-name": "contoso-support",
            "agent-version": "3",
            "conversation-id": "conv_42",
        }
        sent = sim.received_of("session.update")[0]["session"]
        assert "instructions" not in sent and "tools" not in sent
        assert "HelpDesk" in (sim.session_config or {})["instructions"]
        await engine.send_text("Hello there")
        reply = await log.wait_for(AssistantTranscriptCompleted)
        assert reply.text.startswith("HelpDesk here, your Foundry agent.")
    finally:
        await engine.stop()


async def test_the_agents_own_call_is_a_card(sim: VoiceLiveSimulator) -> None:
    async with text_agent_session(sim) as (engine, log):
        await engine.send_text("Please look up the refund policy")
        started = await log.wait_for(ToolCallStarted)
        assert started.source == "agent" and started.name == "knowledge-agent"
        assert started.arguments == '{"query": "the refund policy"}'
        finished = await log.wait_for(ToolCallFinished)
        assert finished.status is ToolCallStatus.OK and "refund policy" in finished.result
        answer = await log.wait_for(AssistantTranscriptCompleted)
        assert "I looked that up" in answer.text and answer.text.startswith("HelpDesk")
        assert len(sim.received_of("response.create")) == 1  # the agent answered by itself
        # The shapes of the SDK's 1.2.0b4 models: progress events name only the item.
        progress = sim.sent_of("response.foundry_agent_call.in_progress")[0]
        assert set(progress) == {
            "type",
            "event_id",
            "item_id",
            "output_index",
            "agent_response_id",
        }
        done = sim.sent_of("response.foundry_agent_call.completed")[0]
        assert set(done) == {"type", "event_id", "item_id", "output_index"}
        item = sim.sent_of("response.output_item.done")[0]["item"]
        assert item["call_id"] and item["agent_response_id"] == progress["agent_response_id"]


async def test_a_failed_agent_call_is_a_failed_card(sim: VoiceLiveSimulator) -> None:
    async with text_agent_session(sim) as (engine, log):
        await engine.send_text("look up nothing")
        finished = await log.wait_for(ToolCallFinished)
        assert finished.status is ToolCallStatus.FAILED
        assert finished.error == "knowledge-agent found nothing to look up."
        assert sim.sent_of("response.foundry_agent_call.failed")
        answer = await log.wait_for(AssistantTranscriptCompleted)
        assert "could not look that up" in answer.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"agent_name": ""}, "agent name and the project name"),
        ({"project_name": " "}, "agent name and the project name"),
    ],
)
async def test_incomplete_agent_settings_are_refused_before_connecting(
    sim: VoiceLiveSimulator, changes: dict[str, str], message: str
) -> None:
    engine = SessionEngine(
        agent_connection(sim.endpoint, **changes), StaticToken(), SessionSettings()
    )
    with pytest.raises(InvalidAgentSettings, match=message):
        await engine.start()
    assert sim.handshakes == []


async def test_agent_mode_with_an_api_key_is_refused_before_connecting(
    sim: VoiceLiveSimulator,
) -> None:
    settings = agent_connection(sim.endpoint)
    settings = ConnectionSettings(**{**settings.__dict__, "auth": AuthMethod.API_KEY})
    engine = SessionEngine(settings, key_credential(DEMO_API_KEY), SessionSettings())
    with pytest.raises(InvalidAgentSettings, match="Entra ID"):
        await engine.start()


@pytest.mark.parametrize(
    ("query", "headers", "status"),
    [
        ({"agent-name": "a"}, {"Authorization": "Bearer t"}, 400),
        ({"agent-project-name": "p"}, {"Authorization": "Bearer t"}, 400),
        ({"agent-version": "2"}, {"Authorization": "Bearer t"}, 400),
        (  # the SDK's agent overload takes an optional model
            {"agent-name": "a", "agent-project-name": "p", "model": "m"},
            {"Authorization": "Bearer t"},
            101,
        ),
        ({"agent-name": "a", "agent-project-name": "p"}, {"api-key": DEMO_API_KEY}, 401),
        ({"agent-name": "a", "agent-project-name": "p"}, {"Authorization": "Bearer t"}, 101),
    ],
)
async def test_the_simulator_refuses_bad_agent_combinations(
    sim: VoiceLiveSimulator, query: dict[str, str], headers: dict[str, str], status: int
) -> None:
    params = {"api-version": "2026-07-15", **query}
    url = sim.endpoint.replace("http", "ws") + REALTIME_PATH
    async with aiohttp.ClientSession() as http:
        try:
            async with http.ws_connect(url, params=params, headers=headers) as ws:
                await ws.close()
        except aiohttp.WSServerHandshakeError as exc:
            assert exc.status == status
            return
    assert status == 101 and sim.handshakes[-1] == 101
