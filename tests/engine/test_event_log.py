"""The inspector's event log: bounded memory, lazy parsing, audio elision, secret redaction,
and the tap on a real SDK connection to the simulator."""

from __future__ import annotations

import base64
import json

import pytest

from tests.engine.conftest import EventLog as EngineEvents
from tests.engine.conftest import WallClockPlayback
from voicelive_desktop.engine import (
    ConnectionSettings,
    ResponseFinished,
    SessionEngine,
    SessionSettings,
    key_credential,
)
from voicelive_desktop.engine.event_log import (
    CLIENT,
    REDACTED,
    SERVER,
    EventLog,
    readable_event,
)
from voicelive_desktop.protocol import DEMO_API_KEY
from voicelive_desktop.simulator import VoiceLiveSimulator

AUDIO = base64.b64encode(bytes(4800)).decode()  # 100 ms of 24 kHz PCM16


def message(kind: str, **fields: object) -> str:
    return json.dumps({"type": kind, **fields})


def test_the_log_keeps_at_most_its_count_of_events() -> None:
    log = EventLog(max_events=100, max_chars=10**9)
    for index in range(1000):
        log.record(SERVER, message("response.text.delta", delta=str(index)))
    assert len(log) == 100
    assert log.dropped == 900
    kept = list(log)
    assert json.loads(kept[0].raw)["delta"] == "900"
    assert [e.seq for e in kept] == list(range(901, 1001))


def test_the_log_keeps_at_most_its_size_of_json_text() -> None:
    log = EventLog(max_events=10**6, max_chars=200_000)
    big = message("conversation.item.created", item={"content": "x" * len(AUDIO)})
    for _ in range(500):
        log.record(SERVER, big)
    assert log.chars <= 200_000
    assert len(log) == 200_000 // len(big)
    assert log.chars == len(log) * len(big)


def test_audio_is_cut_out_as_a_message_is_kept_and_its_wire_size_remembered() -> None:
    log = EventLog()
    append = message("input_audio_buffer.append", audio=AUDIO)
    delta = message("response.audio.delta", response_id="r1", delta=AUDIO)
    text = message("response.audio_transcript.delta", delta='say "hi" ' * 100)
    for raw in (append, delta, text):
        log.record(CLIENT, raw)
    kept = list(log)
    assert [e.size for e in kept] == [len(append), len(delta), len(text)]
    assert AUDIO not in kept[0].raw and AUDIO not in kept[1].raw
    assert kept[2].raw == text  # a text delta is kept whole, quotes and all
    assert log.chars == sum(len(e.raw) for e in kept) < len(append) // 2
    assert [e.type for e in kept[:2]] == ["input_audio_buffer.append", "response.audio.delta"]
    # What the inspector shows is what it showed when the log kept the audio.
    assert readable_event(kept[0].raw) == readable_event(append)
    assert readable_event(kept[1].raw) == readable_event(delta)


def test_one_message_larger_than_the_bound_is_still_kept_alone() -> None:
    log = EventLog(max_events=10, max_chars=100)
    log.record(CLIENT, message("session.update", session={"instructions": "x" * 500}))
    assert len(log) == 1


def test_since_returns_only_newer_events_in_order() -> None:
    log = EventLog()
    for index in range(5):
        log.record(CLIENT, message(f"t{index}"))
    assert [e.type for e in log.since(3)] == ["t3", "t4"]
    assert log.since(5) == []


def test_type_is_parsed_only_when_asked_and_odd_text_is_named() -> None:
    log = EventLog()
    log.record(SERVER, "not json at all")
    log.record(SERVER, "[1, 2]")
    first, second = list(log)
    assert first._type is None
    assert (first.type, second.type) == ("(not JSON)", "(no type)")


def test_audio_payloads_are_elided_and_text_deltas_kept() -> None:
    appended = readable_event(message("input_audio_buffer.append", audio=AUDIO))
    assert appended["audio"].startswith("«audio elided: 6,400 base64 chars, ≈ 100 ms")
    delta = readable_event(message("response.audio.delta", delta=AUDIO, item_id="i1"))
    assert "elided" in delta["delta"] and delta["item_id"] == "i1"
    transcript = readable_event(message("response.audio_transcript.delta", delta="word " * 30))
    assert transcript["delta"] == "word " * 30
    item = readable_event(
        message(
            "conversation.item.create",
            item={"content": [{"type": "input_audio", "audio": AUDIO}]},
        )
    )
    assert "elided" in item["item"]["content"][0]["audio"]


def test_secrets_are_redacted_wherever_they_appear() -> None:
    shown = readable_event(
        message(
            "session.update",
            session={
                "tools": [
                    {
                        "type": "mcp",
                        "server_url": "https://example.test/mcp",
                        "headers": {
                            "Authorization": "Bearer abcdefghijklmnop",
                            "X-Team-Token": "tt-0d9c8b7a6f5e",
                        },
                        "api_key": "sk-live-123456",
                    }
                ],
                "avatar": {"ice_servers": [{"username": "u", "credential": "pw123"}]},
                "instructions": "call with Bearer zyxwvutsrqponmlk please",
                "max_response_output_tokens": 200,
            },
        )
    )
    text = json.dumps(shown)
    secrets = ("abcdefghijklmnop", "tt-0d9c8b7a6f5e", "sk-live-123456", "pw123", "zyxwvutsrqponmlk")
    for secret in secrets:
        assert secret not in text
    tool = shown["session"]["tools"][0]
    assert tool["headers"]["Authorization"] == REDACTED and tool["api_key"] == REDACTED
    # An MCP server's headers may be any token under any name (the app keeps them all in
    # the keyring), so every value is hidden.
    assert tool["headers"]["X-Team-Token"] == REDACTED
    assert tool["server_url"] == "https://example.test/mcp"
    assert shown["session"]["max_response_output_tokens"] == 200  # "tokens" is not a secret


@pytest.mark.asyncio
async def test_the_tap_records_every_message_of_a_real_session_within_its_bound(
    simulator: VoiceLiveSimulator,
) -> None:
    events = EngineEvents()
    engine = SessionEngine(
        ConnectionSettings(endpoint=simulator.endpoint, model="gpt-realtime"),
        key_credential(DEMO_API_KEY),
        SessionSettings(),
        playback=WallClockPlayback(),
    )
    engine.subscribe(events)
    engine.event_log = log = EventLog(max_events=40)
    await engine.start()
    await engine.send_text("Hello there")
    await events.wait_for(ResponseFinished, timeout=30)
    await engine.stop()
    assert len(log) <= 40 and log.dropped > 0  # a spoken reply is more than 40 messages
    kept = list(log)
    assert {e.direction for e in kept} <= {CLIENT, SERVER}
    assert kept[-1].type == "response.done"
    assert all(e.size >= len(e.raw) > 0 for e in kept)
    audio = [e for e in kept if e.type == "response.audio.delta"]
    assert audio and all(e.size > len(e.raw) and "audio elided" in e.raw for e in audio)
    # Every server message the engine handled went through the tap first.
    received = [e.type for e in kept if e.direction == SERVER]
    assert "response.audio.delta" in received


@pytest.mark.asyncio
async def test_client_messages_are_recorded_as_sent(simulator: VoiceLiveSimulator) -> None:
    engine = SessionEngine(
        ConnectionSettings(endpoint=simulator.endpoint),
        key_credential(DEMO_API_KEY),
        SessionSettings(),
        playback=WallClockPlayback(),
    )
    engine.event_log = log = EventLog()
    await engine.start()
    await engine.stop()
    sent = [e for e in log if e.direction == CLIENT]
    assert [e.type for e in sent] == ["session.update"]
    assert json.loads(sent[0].raw) == simulator.received_of("session.update")[0]
    assert [e.type for e in log if e.direction == SERVER][:2] == [
        "session.created",
        "session.updated",
    ]
