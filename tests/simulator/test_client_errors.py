"""Malformed and unknown client events: a service-shaped `error`, and the session lives on."""

from __future__ import annotations

import json

import aiohttp
import pytest
from azure.ai.voicelive.aio import connect
from azure.ai.voicelive.models import ServerEvent, ServerEventError
from azure.core.credentials import AzureKeyCredential

from tests.simulator.sdk_client import events_until, next_event
from voicelive_desktop.protocol import REALTIME_PATH
from voicelive_desktop.simulator import VoiceLiveSimulator

pytestmark = pytest.mark.asyncio


def as_sdk_event(text: str) -> ServerEvent:
    """Parse a raw frame the way the SDK's recv() does."""
    return ServerEvent._deserialize(json.loads(text), [])


async def test_malformed_frames_get_errors_and_the_connection_is_kept(
    simulator: VoiceLiveSimulator,
) -> None:
    url = f"{simulator.endpoint}{REALTIME_PATH}?api-version=2026-07-15&model=gpt-realtime"
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(url, headers={"api-key": "demo"}) as ws,
    ):
        assert json.loads(await ws.receive_str(timeout=5))["type"] == "session.created"
        for frame in ("{not json", "[1, 2, 3]", '"just a string"', "{}"):
            await ws.send_str(frame)
            error = as_sdk_event(await ws.receive_str(timeout=5))
            assert isinstance(error, ServerEventError), frame
            assert error.error.type == "invalid_request_error"
            assert error.error.message
            assert error.event_id
        await ws.send_bytes(b"\x00\x01binary")
        assert isinstance(as_sdk_event(await ws.receive_str(timeout=5)), ServerEventError)
        await ws.send_str(json.dumps({"type": "session.update", "session": {"instructions": "ok"}}))
        updated = json.loads(await ws.receive_str(timeout=5))
        assert updated["type"] == "session.updated"
        assert updated["session"]["instructions"] == "ok"
    assert simulator.received_of("session.update")


async def test_unknown_and_unsupported_event_types_name_the_type(
    simulator: VoiceLiveSimulator,
) -> None:
    async with connect(
        endpoint=simulator.endpoint, credential=AzureKeyCredential("demo"), model="gpt-realtime"
    ) as connection:
        await next_event(connection)
        await connection.send({"type": "response.make_it_so", "event_id": "evt-unknown"})
        error = await next_event(connection)
        assert error.type == "error"
        assert (error.error.code, error.error.param, error.error.event_id) == (
            "invalid_value",
            "type",
            "evt-unknown",
        )
        assert "response.make_it_so" in error.error.message
        await connection.send({"type": "session.avatar.connect", "client_sdp": "x"})
        unsupported = await next_event(connection)
        assert unsupported.type == "error" and unsupported.error.param == "type"
        await connection.send({"event_id": "evt-typeless"})
        typeless = await next_event(connection)
        assert typeless.type == "error"
        assert typeless.error.code == "missing_required_parameter"
        # Still a working session.
        await connection.session.update(session={"instructions": "still here"})
        updated = (await events_until(connection, "session.updated"))[-1]
        assert updated.session.instructions == "still here"
    received = [event.type for event in simulator.received_events]
    assert received[:2] == ["response.make_it_so", "session.avatar.connect"]


async def test_bad_conversation_items_are_refused(simulator: VoiceLiveSimulator) -> None:
    async with connect(
        endpoint=simulator.endpoint, credential=AzureKeyCredential("demo"), model="gpt-realtime"
    ) as connection:
        await next_event(connection)
        for item in (
            {"type": "message", "role": "user", "content": "not a list"},
            {"type": "message", "role": "wizard", "content": [{"type": "input_text", "text": "x"}]},
            {"type": "message", "role": "user", "content": [{"type": "input_text"}]},
            "not an object",
        ):
            await connection.send({"type": "conversation.item.create", "item": item})
            error = await next_event(connection)
            assert error.type == "error", item
            assert error.error.param and error.error.param.startswith("item")
