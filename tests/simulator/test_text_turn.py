"""A typed turn: conversation.item.create + response.create, with audio or text-only replies."""

from __future__ import annotations

import pytest
from azure.ai.voicelive.aio import VoiceLiveConnection, connect
from azure.ai.voicelive.models import InputTextContentPart, UserMessageItem
from azure.core.credentials import AzureKeyCredential

from tests.simulator.sdk_client import decoded_audio, events_until, next_event, rms, types
from voicelive_desktop.protocol import SAMPLE_RATE_HZ
from voicelive_desktop.simulator import VoiceLiveSimulator

pytestmark = pytest.mark.asyncio

RESPONSE_ORDER = [
    "response.created",
    "response.output_item.added",
    "conversation.item.created",
    "response.content_part.added",
]


async def say(connection: VoiceLiveConnection, text: str) -> None:
    await connection.conversation.item.create(
        item=UserMessageItem(content=[InputTextContentPart(text=text)])
    )
    user_item = await next_event(connection)
    assert user_item.type == "conversation.item.created"
    assert user_item.item.role == "user"
    assert user_item.item.content[0].text == text


async def test_text_turn_with_audio_reply_streams_every_event_in_order(
    connection: VoiceLiveConnection, simulator: VoiceLiveSimulator
) -> None:
    await say(connection, "What is the weather like?")
    await connection.response.create()
    events = await events_until(connection, "response.done", timeout=30)
    kinds = types(events)

    assert kinds[:4] == RESPONSE_ORDER
    assert kinds[-4:] == [
        "response.audio_transcript.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.done",
    ]
    assert kinds.index("response.audio.done") < kinds.index("response.audio_transcript.done")
    assert "response.text.delta" not in kinds
    # Transcript words are interleaved with the audio, not all sent before or after it.
    audio_at = [i for i, kind in enumerate(kinds) if kind == "response.audio.delta"]
    words_at = [i for i, kind in enumerate(kinds) if kind == "response.audio_transcript.delta"]
    assert len(audio_at) > 10 and len(words_at) > 5
    assert audio_at[0] < words_at[-1] and words_at[0] < audio_at[-1]

    done = events[-1].response
    transcript = events[kinds.index("response.audio_transcript.done")].transcript
    assert "".join(e.delta for e in events if e.type == "response.audio_transcript.delta") == (
        transcript
    )
    assert transcript.startswith("You typed: What is the weather like?")
    assert "offline demo" in transcript and "no Azure service" in transcript
    assert done.status == "completed"
    assert done.output[0].role == "assistant"
    assert done.output[0].content[0].transcript == transcript
    assert done.usage.output_tokens > 0 and done.usage.total_tokens >= done.usage.output_tokens
    # Every delta belongs to the response and item announced at the start.
    response_id, item_id = events[0].response.id, events[1].item.id
    assert all(
        (e.response_id, e.item_id) == (response_id, item_id)
        for e in events
        if e.type in ("response.audio.delta", "response.audio_transcript.delta")
    )
    # The audio is real, speech-loud PCM16 at 24 kHz, a few seconds long.
    audio = decoded_audio(events)
    assert len(audio) % 2 == 0
    assert 2.0 < len(audio) / 2 / SAMPLE_RATE_HZ < 15.0
    assert rms(audio) > 0.02
    assert simulator.received_of("response.create")


async def test_text_modality_gives_text_deltas_and_no_audio(
    connection: VoiceLiveConnection,
) -> None:
    await connection.session.update(session={"modalities": ["text"]})
    await events_until(connection, "session.updated")
    await say(connection, "hello")
    await connection.response.create()
    events = await events_until(connection, "response.done")
    kinds = types(events)
    assert kinds[:4] == RESPONSE_ORDER
    assert not [k for k in kinds if k.startswith("response.audio")]
    text = events[kinds.index("response.text.done")].text
    assert "".join(e.delta for e in events if e.type == "response.text.delta") == text
    assert text.startswith("You typed: hello.")
    assert events[kinds.index("response.content_part.added")].part.type == "text"
    assert events[-1].response.status == "completed"


async def test_response_create_can_ask_for_text_only(connection: VoiceLiveConnection) -> None:
    await say(connection, "just text please")
    await connection.response.create(response={"modalities": ["text"]})
    kinds = types(await events_until(connection, "response.done"))
    assert "response.text.done" in kinds
    assert "response.audio.delta" not in kinds


async def test_a_second_response_create_while_one_streams_is_an_error(
    connection: VoiceLiveConnection,
) -> None:
    await say(connection, "one at a time")
    await connection.response.create()
    await events_until(connection, "response.audio.delta")
    await connection.response.create(event_id="evt-second")
    events = await events_until(connection, "error", stop_on_error=False)
    assert events[-1].error.code == "conversation_already_has_active_response"
    assert events[-1].error.event_id == "evt-second"
    await connection.response.cancel()
    assert (await events_until(connection, "response.done"))[-1].response.status == "cancelled"


async def test_response_without_any_user_turn_is_a_greeting(
    connection: VoiceLiveConnection,
) -> None:
    await connection.response.create(response={"modalities": ["text"]})
    events = await events_until(connection, "response.done")
    text = next(e.text for e in events if e.type == "response.text.done")
    assert "offline demo" in text


async def test_typed_text_is_echoed_in_the_reply_and_long_text_is_shortened(
    connection: VoiceLiveConnection,
) -> None:
    await connection.session.update(session={"modalities": ["text"]})
    await events_until(connection, "session.updated")
    await say(connection, "word " * 500)
    await connection.response.create()
    text = next(
        e.text
        for e in await events_until(connection, "response.done")
        if e.type == "response.text.done"
    )
    assert text.startswith("You typed: word word")
    assert len(text) < 400


async def test_without_espeak_the_reply_is_a_synthetic_voice_like_signal() -> None:
    async with (
        VoiceLiveSimulator(use_espeak=False) as simulator,
        connect(
            endpoint=simulator.endpoint, credential=AzureKeyCredential("demo"), model="m"
        ) as connection,
    ):
        await next_event(connection)
        await say(connection, "no espeak here")
        await connection.response.create()
        events = await events_until(connection, "response.done", timeout=30)
    audio = decoded_audio(events)
    assert len(audio) / 2 / SAMPLE_RATE_HZ > 1.0
    assert rms(audio) > 0.02
    # Syllable-like: loud stretches separated by quiet gaps, not a steady tone.
    frame = 2 * SAMPLE_RATE_HZ // 50
    levels = [rms(audio[i : i + frame]) for i in range(0, len(audio) - frame + 1, frame)]
    quiet = sum(level < 0.01 for level in levels) / len(levels)
    loud = sum(level > 0.05 for level in levels) / len(levels)
    assert quiet > 0.1 and loud > 0.3
    transcript = next(e.transcript for e in events if e.type == "response.audio_transcript.done")
    assert transcript.startswith("You typed: no espeak here.")
