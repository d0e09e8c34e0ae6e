"""Every event type the simulator emits is parsed by the SDK into its own typed model class."""

from __future__ import annotations

import pytest
from azure.ai.voicelive.aio import connect
from azure.ai.voicelive.models import InputTextContentPart, ServerEvent, UserMessageItem
from azure.core.credentials import AzureKeyCredential

from tests.simulator.sdk_client import (
    append_frames,
    espeak_pcm,
    events_until,
    next_event,
    silence,
)
from voicelive_desktop.simulator import VoiceLiveSimulator

pytestmark = pytest.mark.asyncio

EXPECTED_TYPES = {
    "session.created",
    "session.updated",
    "input_audio_buffer.speech_started",
    "input_audio_buffer.speech_stopped",
    "input_audio_buffer.committed",
    "input_audio_buffer.cleared",
    "conversation.item.created",
    "conversation.item.input_audio_transcription.completed",
    "conversation.item.truncated",
    "conversation.item.deleted",
    "response.created",
    "response.output_item.added",
    "response.content_part.added",
    "response.audio.delta",
    "response.audio_transcript.delta",
    "response.text.delta",
    "response.text.done",
    "response.content_part.done",
    "response.output_item.done",
    "response.done",
    "error",
}
# Sent only when a spoken reply plays to its end.
FULL_REPLY_TYPES = {"response.audio.done", "response.audio_transcript.done"}


async def test_every_emitted_event_parses_into_its_specific_sdk_class(
    simulator: VoiceLiveSimulator,
) -> None:
    received: list[ServerEvent] = []
    async with connect(
        endpoint=simulator.endpoint, credential=AzureKeyCredential("demo"), model="gpt-realtime"
    ) as connection:
        received.append(await next_event(connection))
        await connection.session.update(
            session={"input_audio_transcription": {"model": "whisper-1"}}
        )
        received += await events_until(connection, "session.updated")

        # A spoken turn answered aloud, cancelled part-way and truncated.
        await append_frames(connection, silence(300) + espeak_pcm("Testing one two") + silence(900))
        received += await events_until(connection, "response.audio_transcript.delta")
        received += await events_until(connection, "response.audio.delta")
        reply_item = received[-1].item_id
        await connection.response.cancel()
        received += await events_until(connection, "response.done")
        await connection.conversation.item.truncate(
            item_id=reply_item, content_index=0, audio_end_ms=50
        )
        received += await events_until(connection, "conversation.item.truncated")

        # A typed turn answered in text, then deleted; a cleared buffer; an error.
        await connection.conversation.item.create(
            item=UserMessageItem(id="typed-1", content=[InputTextContentPart(text="hi")])
        )
        received += await events_until(connection, "conversation.item.created")
        await connection.response.create(response={"modalities": ["text"]})
        received += await events_until(connection, "response.done")
        await connection.conversation.item.delete(item_id="typed-1")
        received += await events_until(connection, "conversation.item.deleted")
        await connection.input_audio_buffer.clear()
        received += await events_until(connection, "input_audio_buffer.cleared")
        await connection.response.cancel()
        received += await events_until(connection, "error", stop_on_error=False)

        # A typed turn whose spoken reply plays to the end.
        await connection.response.create()
        received += await events_until(connection, "response.done", timeout=30)

    # next_event() already failed on any event the SDK could only parse as the base class.
    received_types = {str(event.type) for event in received}
    assert received_types >= EXPECTED_TYPES | FULL_REPLY_TYPES
    # Nothing the simulator sent was missed or could not be read.
    assert {event.type for event in simulator.sent_events} == received_types
    assert all(type(event) is not ServerEvent for event in received)
