"""Barge-in on the server side: response.cancel mid-stream and conversation.item.truncate."""

from __future__ import annotations

import pytest
from azure.ai.voicelive.aio import VoiceLiveConnection
from azure.ai.voicelive.models import InputTextContentPart, UserMessageItem

from tests.simulator.sdk_client import (
    append_frames,
    decoded_audio,
    espeak_pcm,
    events_until,
    next_event,
    silence,
    types,
)
from voicelive_desktop.protocol import SAMPLE_RATE_HZ
from voicelive_desktop.simulator import VoiceLiveSimulator

pytestmark = pytest.mark.asyncio


async def start_spoken_reply(
    connection: VoiceLiveConnection, text: str = "Tell me a story"
) -> None:
    await connection.conversation.item.create(
        item=UserMessageItem(content=[InputTextContentPart(text=text)])
    )
    await events_until(connection, "conversation.item.created")
    await connection.response.create()


def audio_ms(pcm: bytes) -> int:
    return len(pcm) * 1000 // (2 * SAMPLE_RATE_HZ)


async def test_cancel_mid_response_stops_the_audio_and_ends_cancelled(
    connection: VoiceLiveConnection, simulator: VoiceLiveSimulator
) -> None:
    await start_spoken_reply(connection)
    before = await events_until(connection, "response.audio.delta")
    for _ in range(3):
        before += await events_until(connection, "response.audio.delta")
    await connection.response.cancel()
    after = await events_until(connection, "response.done")
    done = after[-1].response
    assert done.status == "cancelled"
    assert done.status_details.type == "cancelled"
    assert done.status_details.reason == "client_cancelled"
    assert done.output[0].status == "incomplete"
    # The reply is about six seconds long: the cancel cut it short, whatever the client's lag.
    assert audio_ms(decoded_audio(before + after)) < 3000
    said = done.output[0].content[0].transcript
    opening = "You typed: Tell me a story"
    assert said and (opening.startswith(said) or said.startswith(opening))
    assert "no Azure service is involved" not in said
    await simulator.wait_for_event("response.cancel")


async def test_truncate_after_cancel_is_confirmed_and_observed_by_the_server(
    connection: VoiceLiveConnection, simulator: VoiceLiveSimulator
) -> None:
    await start_spoken_reply(connection)
    events = await events_until(connection, "response.audio.delta")
    item_id = events[-1].item_id
    events += await events_until(connection, "response.audio.delta")
    played = audio_ms(decoded_audio(events)) // 2
    await connection.response.cancel()
    await events_until(connection, "response.done")
    await connection.conversation.item.truncate(
        item_id=item_id, content_index=0, audio_end_ms=played
    )
    truncated = await next_event(connection)
    assert truncated.type == "conversation.item.truncated"
    assert (truncated.item_id, truncated.content_index, truncated.audio_end_ms) == (
        item_id,
        0,
        played,
    )
    observed = await simulator.wait_for_event("conversation.item.truncate")
    assert (observed["item_id"], observed["audio_end_ms"]) == (item_id, played)
    assert simulator.received_of("response.cancel")


async def test_truncate_beyond_the_audio_or_of_an_unknown_item_is_an_error(
    connection: VoiceLiveConnection,
) -> None:
    await start_spoken_reply(connection)
    item_id = (await events_until(connection, "response.audio.delta"))[-1].item_id
    await connection.response.cancel()
    await events_until(connection, "response.done")
    await connection.conversation.item.truncate(
        item_id=item_id, content_index=0, audio_end_ms=600_000, event_id="evt-long"
    )
    error = await next_event(connection)
    assert (error.type, error.error.param, error.error.event_id) == (
        "error",
        "audio_end_ms",
        "evt-long",
    )
    await connection.conversation.item.truncate(
        item_id="item_nope", content_index=0, audio_end_ms=0
    )
    error = await next_event(connection)
    assert error.type == "error" and error.error.param == "item_id"


async def test_cancel_without_an_active_response_is_an_error(
    connection: VoiceLiveConnection,
) -> None:
    await connection.response.cancel(event_id="evt-cancel")
    error = await next_event(connection)
    assert error.type == "error"
    assert error.error.code == "response_cancel_not_active"
    assert error.error.event_id == "evt-cancel"


async def test_user_speech_during_a_reply_interrupts_it(
    connection: VoiceLiveConnection, simulator: VoiceLiveSimulator
) -> None:
    """interrupt_response (default true): speech_started cancels the reply, as the service does."""
    await start_spoken_reply(connection)
    await events_until(connection, "response.audio.delta")
    await append_frames(connection, silence(200) + espeak_pcm("Wait, stop please."))
    events = await events_until(connection, "response.done")
    assert "input_audio_buffer.speech_started" in types(events)
    assert events[-1].response.status == "cancelled"
    assert events[-1].response.status_details.reason == "turn_detected"
