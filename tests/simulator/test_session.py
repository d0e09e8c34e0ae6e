"""session.created on connect; session.update → session.updated with merging and refusals."""

from __future__ import annotations

import pytest
from azure.ai.voicelive.aio import VoiceLiveConnection, connect
from azure.ai.voicelive.models import (
    AudioInputTranscriptionOptions,
    AzureSemanticVad,
    AzureStandardVoice,
    InputAudioFormat,
    Modality,
    OutputAudioFormat,
    RequestSession,
    ServerVad,
)
from azure.core.credentials import AzureKeyCredential

from tests.simulator.sdk_client import events_until, next_event
from voicelive_desktop.simulator import VoiceLiveSimulator

pytestmark = pytest.mark.asyncio


async def test_session_created_describes_the_wire_format(simulator: VoiceLiveSimulator) -> None:
    async with connect(
        endpoint=simulator.endpoint, credential=AzureKeyCredential("demo"), model="my-deployment"
    ) as opened:
        created = await next_event(opened)
    session = created.session
    assert session.model == "my-deployment"
    assert session.input_audio_format == "pcm16"
    assert session.output_audio_format == "pcm16"
    assert session.input_audio_sampling_rate == 24_000
    assert session.turn_detection.type == "server_vad"
    assert session.id


async def test_session_updated_echoes_the_applied_typed_config(
    connection: VoiceLiveConnection, simulator: VoiceLiveSimulator
) -> None:
    await connection.session.update(
        session=RequestSession(
            modalities=[Modality.TEXT, Modality.AUDIO],
            instructions="Be brief.",
            voice=AzureStandardVoice(name="en-US-AvaNeural"),
            temperature=0.7,
            max_response_output_tokens=300,
            input_audio_format=InputAudioFormat.PCM16,
            output_audio_format=OutputAudioFormat.PCM16,
            turn_detection=AzureSemanticVad(
                threshold=0.3, prefix_padding_ms=200, silence_duration_ms=700
            ),
            input_audio_transcription=AudioInputTranscriptionOptions(model="whisper-1"),
        )
    )
    updated = (await events_until(connection, "session.updated"))[-1].session
    assert updated.instructions == "Be brief."
    assert updated.voice["name"] == "en-US-AvaNeural"  # the SDK leaves the voice union a dict
    assert updated.temperature == 0.7
    assert updated.max_response_output_tokens == 300
    assert updated.turn_detection.type == "azure_semantic_vad"
    assert (updated.turn_detection.threshold, updated.turn_detection.silence_duration_ms) == (
        0.3,
        700,
    )
    assert updated.input_audio_transcription.model == "whisper-1"
    # The server side records exactly what the client sent, for other tests to assert on.
    sent = (await simulator.wait_for_event("session.update"))["session"]
    assert sent["turn_detection"]["prefix_padding_ms"] == 200
    assert simulator.session_config is not None
    assert simulator.session_config["instructions"] == "Be brief."


async def test_later_updates_merge_and_null_switches_a_feature_off(
    connection: VoiceLiveConnection, simulator: VoiceLiveSimulator
) -> None:
    await connection.session.update(
        session=RequestSession(instructions="Keep me.", turn_detection=ServerVad(threshold=0.6))
    )
    await events_until(connection, "session.updated")
    await connection.session.update(session={"temperature": 0.9, "turn_detection": None})
    updated = (await events_until(connection, "session.updated"))[-1].session
    assert updated.instructions == "Keep me."
    assert updated.temperature == 0.9
    assert updated.turn_detection is None
    assert simulator.session_config["turn_detection"] is None


async def test_bad_values_are_refused_with_an_error_and_nothing_applied(
    connection: VoiceLiveConnection, simulator: VoiceLiveSimulator
) -> None:
    await connection.session.update(session={"instructions": "first"})
    await events_until(connection, "session.updated")
    for bad, param in (
        ({"modalities": ["smell"]}, "session.modalities"),
        (
            {"instructions": "lost", "turn_detection": {"type": "psychic"}},
            "session.turn_detection.type",
        ),
        (
            {"turn_detection": {"type": "server_vad", "threshold": 7}},
            "session.turn_detection.threshold",
        ),
        ({"input_audio_format": "g711_ulaw"}, "session.input_audio_format"),
        ({"temperature": "hot"}, "session.temperature"),
        ({"temperature": 1.5}, "session.temperature"),  # the reference allows 0.6 to 1.2
        ({"temperature": 0.2}, "session.temperature"),
    ):
        await connection.session.update(session=bad, event_id="evt-bad")
        error = await next_event(connection)
        assert error.type == "error", bad
        assert error.error.param == param
        assert error.error.type == "invalid_request_error"
        assert error.error.event_id == "evt-bad"
        assert error.error.message
    assert simulator.session_config["instructions"] == "first"
    # The connection is still usable.
    await connection.session.update(session={"instructions": "second"})
    assert (await events_until(connection, "session.updated"))[-1].session.instructions == "second"
