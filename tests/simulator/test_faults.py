"""Fault mode: drops, refusals, late or missing session.updated, hostile frames, session limits."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from azure.ai.voicelive.aio import ConnectionError as VoiceLiveConnectionError
from azure.ai.voicelive.aio import VoiceLiveConnection, connect
from azure.ai.voicelive.models import InputTextContentPart, ServerEvent, UserMessageItem
from azure.core.credentials import AzureKeyCredential

from tests.simulator.sdk_client import events_until, next_event, types
from tests.waiting import wait_until
from voicelive_desktop.protocol import REALTIME_PATH
from voicelive_desktop.simulator import Hostile, VoiceLiveSimulator

pytestmark = pytest.mark.asyncio

# The SDK's default websocket frame limit.
SDK_MAX_FRAME = 4 * 1024 * 1024


@pytest_asyncio.fixture
async def raw_ws(simulator: VoiceLiveSimulator) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    """A websocket without the SDK, to see frames exactly as sent and how the socket closes."""
    url = f"{simulator.endpoint}{REALTIME_PATH}?api-version=2026-07-15&model=gpt-realtime"
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(url, headers={"api-key": "demo"}, max_msg_size=64 * 1024 * 1024) as ws,
    ):
        assert json.loads(await ws.receive_str(timeout=5))["type"] == "session.created"
        yield ws


async def say(connection: VoiceLiveConnection, text: str) -> None:
    await connection.conversation.item.create(
        item=UserMessageItem(content=[InputTextContentPart(text=text)])
    )


async def drain(connection: VoiceLiveConnection) -> list[ServerEvent]:
    """Every event until the connection ends."""
    return [event async for event in connection]


async def test_drop_mid_response_cuts_the_connection_after_n_audio_deltas(
    connection: VoiceLiveConnection, simulator: VoiceLiveSimulator
) -> None:
    simulator.faults.drop_after_audio_deltas = 3
    await say(connection, "drop me")
    await connection.response.create()
    kinds = types(await asyncio.wait_for(drain(connection), 20))
    assert kinds.count("response.audio.delta") == 3
    assert "response.done" not in kinds
    # The fault fires once; the next connection is a healthy service again.
    assert simulator.faults.drop_after_audio_deltas is None
    async with connect(
        endpoint=simulator.endpoint, credential=AzureKeyCredential("demo"), model="gpt-realtime"
    ) as again:
        await next_event(again)
        await say(again, "back again")
        await again.response.create(response={"modalities": ["text"]})
        assert (await events_until(again, "response.done"))[-1].response.status == "completed"
    assert simulator.handshakes == [101, 101]


async def test_refused_connections_get_503_until_the_time_is_up(
    simulator: VoiceLiveSimulator,
) -> None:
    simulator.faults.refuse_connections(1.0)
    with pytest.raises(VoiceLiveConnectionError, match="503"):
        async with connect(
            endpoint=simulator.endpoint, credential=AzureKeyCredential("demo"), model="m"
        ):
            pass
    await wait_until(lambda: not simulator.faults.refusing, 5, what="the refusal to end")
    async with connect(
        endpoint=simulator.endpoint, credential=AzureKeyCredential("demo"), model="m"
    ) as connection:
        assert (await next_event(connection)).type == "session.created"
    assert simulator.handshakes == [503, 101]


async def test_delayed_session_updated_arrives_after_later_events(
    connection: VoiceLiveConnection, simulator: VoiceLiveSimulator
) -> None:
    simulator.faults.session_updated_delay_s = 1.0
    await connection.session.update(session={"instructions": "late"})
    await say(connection, "meanwhile")
    events = await events_until(connection, "session.updated")
    assert types(events) == ["conversation.item.created", "session.updated"]
    assert events[-1].session.instructions == "late"


async def test_withheld_session_updated_never_comes(
    connection: VoiceLiveConnection, simulator: VoiceLiveSimulator
) -> None:
    simulator.faults.withhold_session_updated = True
    await connection.session.update(session={"instructions": "unanswered"})
    await say(connection, "anyone there?")
    await connection.input_audio_buffer.clear()
    events = await events_until(connection, "input_audio_buffer.cleared")
    assert types(events) == ["conversation.item.created", "input_audio_buffer.cleared"]
    assert simulator.sent_of("session.updated") == []
    # The config was still applied: only the confirmation is missing.
    assert simulator.session_config["instructions"] == "unanswered"


def _json_frames(frames: list[str]) -> list[dict[str, Any]]:
    return [json.loads(frame) for frame in frames]


def _check_unknown_type(frames: list[str]) -> None:
    (event,) = _json_frames(frames)
    assert type(ServerEvent._deserialize(event, [])) is ServerEvent


def _check_missing_fields(frames: list[str]) -> None:
    events = _json_frames(frames)
    assert any(e["type"] == "response.audio.delta" and "delta" not in e for e in events)
    assert any(e["type"] == "response.done" and "response" not in e for e in events)


def _check_wrong_types(frames: list[str]) -> None:
    events = _json_frames(frames)
    delta = next(e for e in events if e["type"] == "response.audio.delta")
    assert not isinstance(delta["delta"], str)
    assert not isinstance(delta["output_index"], int)


def _check_unknown_response(frames: list[str]) -> None:
    events = _json_frames(frames)
    assert {e["type"] for e in events} >= {"response.audio.delta", "response.text.delta"}
    assert all(e["response_id"].startswith("resp") for e in events)


def _check_done_twice(frames: list[str]) -> None:
    done = [e for e in _json_frames(frames) if e["type"] == "response.done"]
    assert len(done) == 2
    assert done[0]["response"]["id"] == done[1]["response"]["id"]


def _check_huge(frames: list[str]) -> None:
    (frame,) = frames
    assert len(base64.b64decode(json.loads(frame)["delta"])) == 2_000_000
    assert len(frame) < SDK_MAX_FRAME


def _check_odd(frames: list[str]) -> None:
    (event,) = _json_frames(frames)
    assert len(base64.b64decode(event["delta"])) % 2 == 1


def _check_invalid_base64(frames: list[str]) -> None:
    (event,) = _json_frames(frames)
    with pytest.raises(binascii.Error):
        base64.b64decode(event["delta"], validate=True)


def _check_not_json(frames: list[str]) -> None:
    assert frames
    for frame in frames:
        with pytest.raises(ValueError):
            json.loads(frame)


def _check_flood(frames: list[str]) -> None:
    assert len(frames) == 200
    assert {e["type"] for e in _json_frames(frames)} == {"response.text.delta"}


HOSTILE_CHECKS: dict[Hostile, Callable[[list[str]], None]] = {
    Hostile.UNKNOWN_TYPE: _check_unknown_type,
    Hostile.MISSING_FIELDS: _check_missing_fields,
    Hostile.WRONG_TYPES: _check_wrong_types,
    Hostile.DELTA_FOR_UNKNOWN_RESPONSE: _check_unknown_response,
    Hostile.DONE_TWICE: _check_done_twice,
    Hostile.HUGE_AUDIO_DELTA: _check_huge,
    Hostile.ODD_LENGTH_AUDIO: _check_odd,
    Hostile.INVALID_BASE64: _check_invalid_base64,
    Hostile.NOT_JSON: _check_not_json,
    Hostile.FLOOD: _check_flood,
}


@pytest.mark.parametrize("kind", list(Hostile), ids=lambda kind: kind.value)
async def test_hostile_frames_follow_session_updated(
    raw_ws: aiohttp.ClientWebSocketResponse, simulator: VoiceLiveSimulator, kind: Hostile
) -> None:
    simulator.faults.flood_count = 200
    simulator.faults.hostile_after_session_updated = [kind]
    await raw_ws.send_str(json.dumps({"type": "session.update", "session": {}}))
    assert json.loads(await raw_ws.receive_str(timeout=5))["type"] == "session.updated"
    # input_audio_buffer.cleared marks the end of the burst.
    await raw_ws.send_str(json.dumps({"type": "input_audio_buffer.clear"}))
    frames: list[str] = []
    while True:
        frame = await raw_ws.receive_str(timeout=10)
        if '"input_audio_buffer.cleared"' in frame:
            break
        frames.append(frame)
    HOSTILE_CHECKS[kind](frames)


async def _close_code(ws: aiohttp.ClientWebSocketResponse) -> int | None:
    while True:
        message = await ws.receive(timeout=10)
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            return ws.close_code


async def test_session_length_limit_closes_the_session(
    raw_ws: aiohttp.ClientWebSocketResponse, simulator: VoiceLiveSimulator
) -> None:
    simulator.faults.max_session_s = 0.3
    assert await _close_code(raw_ws) == 1000


async def test_idle_timeout_closes_only_an_idle_session(
    raw_ws: aiohttp.ClientWebSocketResponse, simulator: VoiceLiveSimulator
) -> None:
    simulator.faults.idle_timeout_s = 1.0
    for _ in range(8):  # 1.6 s of activity keeps it open
        await raw_ws.send_str(json.dumps({"type": "input_audio_buffer.clear"}))
        assert "input_audio_buffer.cleared" in await raw_ws.receive_str(timeout=5)
        await asyncio.sleep(0.2)
    assert await _close_code(raw_ws) == 1000


async def test_close_sessions_ends_every_open_session(
    raw_ws: aiohttp.ClientWebSocketResponse, simulator: VoiceLiveSimulator
) -> None:
    await simulator.close_sessions(1001, "maintenance")
    assert await _close_code(raw_ws) == 1001


async def test_hostile_burst_can_be_pushed_in_the_middle_of_a_response(
    connection: VoiceLiveConnection, simulator: VoiceLiveSimulator
) -> None:
    await say(connection, "surprise me")
    await connection.response.create()
    await events_until(connection, "response.audio.delta")
    await simulator.push_hostile(Hostile.UNKNOWN_TYPE)
    await connection.response.cancel()
    seen = []
    while not seen or seen[-1].type != "response.done":
        seen.append(await asyncio.wait_for(connection.recv(), 10))
    surprise = [event for event in seen if type(event) is ServerEvent]
    assert [event.type for event in surprise] == ["simulator.surprise"]
    assert seen[-1].response.status == "cancelled"


async def test_raw_frames_reach_only_the_chosen_connection(
    raw_ws: aiohttp.ClientWebSocketResponse, simulator: VoiceLiveSimulator
) -> None:
    url = f"{simulator.endpoint}{REALTIME_PATH}?api-version=2026-07-15&model=gpt-realtime"
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(url, headers={"api-key": "demo"}) as second,
    ):
        assert json.loads(await second.receive_str(timeout=5))["type"] == "session.created"
        await simulator.push_frames(['{"type": "for.two"}'], connection=2)
        await simulator.push_frames(['{"type": "for.all"}'])
        assert [await second.receive_str(timeout=5) for _ in range(2)] == [
            '{"type": "for.two"}',
            '{"type": "for.all"}',
        ]
    assert await raw_ws.receive_str(timeout=5) == '{"type": "for.all"}'
