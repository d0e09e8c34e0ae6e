"""Spoken turns: 20 ms appends of real espeak-ng speech, server VAD or client commits."""

from __future__ import annotations

import re

import numpy as np
import pytest
from azure.ai.voicelive.aio import VoiceLiveConnection, connect
from azure.ai.voicelive.models import ServerEvent
from azure.core.credentials import AzureKeyCredential

from tests.simulator.sdk_client import (
    append_frames,
    decoded_audio,
    espeak_pcm,
    events_until,
    next_event,
    rms,
    scaled,
    silence,
    types,
)
from voicelive_desktop.protocol import FRAME_BYTES, FRAME_MS
from voicelive_desktop.simulator import VoiceLiveSimulator

pytestmark = pytest.mark.asyncio

LEAD_IN_MS = 600
SENTENCE = "Hello, this is a test of the voice live simulator."
# -35 dBFS: plainly speech for espeak-ng (about -21 dBFS), plainly not the silence around it.
SPEECH_LEVEL = 10 ** (-35 / 20)


def voiced_frames(pcm: bytes) -> np.ndarray:
    frames = [pcm[i : i + FRAME_BYTES] for i in range(0, len(pcm) - FRAME_BYTES + 1, FRAME_BYTES)]
    return np.flatnonzero([rms(frame) >= SPEECH_LEVEL for frame in frames])


@pytest.fixture(scope="module")
def sentence() -> bytes:
    return espeak_pcm(SENTENCE)


async def configure(connection: VoiceLiveConnection, **session: object) -> None:
    await connection.session.update(session=session)
    await events_until(connection, "session.updated")


async def events_until_cleared(connection: VoiceLiveConnection) -> list[ServerEvent]:
    """Everything the audio sent so far caused: input_audio_buffer.clear is a barrier."""
    await connection.input_audio_buffer.clear()
    return await events_until(connection, "input_audio_buffer.cleared")


async def test_server_vad_turn_is_detected_transcribed_and_answered_aloud(
    connection: VoiceLiveConnection, simulator: VoiceLiveSimulator, sentence: bytes
) -> None:
    await configure(connection, input_audio_transcription={"model": "whisper-1"})
    await append_frames(connection, silence(LEAD_IN_MS) + sentence + silence(1500))
    events = await events_until(connection, "response.done", timeout=40)
    kinds = types(events)
    turn = kinds[:5]
    assert turn == [
        "input_audio_buffer.speech_started",
        "input_audio_buffer.speech_stopped",
        "input_audio_buffer.committed",
        "conversation.item.created",
        "conversation.item.input_audio_transcription.completed",
    ]
    started, stopped, committed, created, transcribed = events[:5]

    voiced = voiced_frames(sentence)
    onset_ms = LEAD_IN_MS + voiced[0] * FRAME_MS
    end_ms = LEAD_IN_MS + (voiced[-1] + 1) * FRAME_MS
    assert onset_ms - 300 - 2 * FRAME_MS <= started.audio_start_ms <= onset_ms + 4 * FRAME_MS
    assert end_ms - 4 * FRAME_MS <= stopped.audio_end_ms <= end_ms + 500 + 4 * FRAME_MS
    item_id = started.item_id
    assert stopped.item_id == committed.item_id == created.item.id == transcribed.item_id == item_id
    assert created.item.role == "user"
    assert created.item.content[0].type == "input_audio"

    # No speech recognition: the 'transcript' honestly gives the length of the speech.
    spoken_s = (voiced[-1] - voiced[0] + 1) * FRAME_MS / 1000
    match = re.fullmatch(r"\[speech, (\d+\.\d) s\]", transcribed.transcript)
    assert match, transcribed.transcript
    assert abs(float(match.group(1)) - spoken_s) <= 0.3

    # The reply came without a response.create (create_response defaults to true) and is spoken.
    assert simulator.received_of("response.create") == []
    assert kinds[5] == "response.created"
    transcript = next(e.transcript for e in events if e.type == "response.audio_transcript.done")
    assert transcript.startswith(f"I heard about {match.group(1)} seconds of speech.")
    assert "offline demo" in transcript
    assert rms(decoded_audio(events)) > 0.02
    assert events[-1].response.status == "completed"


async def test_without_input_transcription_there_is_no_transcription_event(
    connection: VoiceLiveConnection, sentence: bytes
) -> None:
    await configure(connection, modalities=["text"])
    await append_frames(connection, silence(LEAD_IN_MS) + sentence + silence(1500))
    kinds = types(await events_until(connection, "response.done", timeout=20))
    assert "input_audio_buffer.committed" in kinds
    assert "conversation.item.input_audio_transcription.completed" not in kinds


async def test_turn_detection_off_waits_for_the_client_to_commit(
    connection: VoiceLiveConnection, simulator: VoiceLiveSimulator, sentence: bytes
) -> None:
    await configure(connection, modalities=["text"], turn_detection=None)
    await append_frames(connection, silence(LEAD_IN_MS) + sentence + silence(1500))
    await connection.input_audio_buffer.commit()
    committed = await next_event(connection)
    assert committed.type == "input_audio_buffer.committed"
    created = await next_event(connection)
    assert created.type == "conversation.item.created"
    assert created.item.id == committed.item_id
    # Nothing else until the client asks for a response.
    await connection.response.create()
    events = await events_until(connection, "response.done")
    assert types(events)[0] == "response.created"
    text = next(e.text for e in events if e.type == "response.text.done")
    assert text.startswith("I heard about")
    assert not simulator.sent_of("input_audio_buffer.speech_started")


async def test_type_none_also_means_the_client_commits(
    connection: VoiceLiveConnection, sentence: bytes
) -> None:
    await configure(connection, modalities=["text"], turn_detection={"type": "none"})
    await append_frames(connection, sentence + silence(1500))
    kinds = types(await events_until_cleared(connection))
    assert kinds == ["input_audio_buffer.cleared"]


async def test_committing_too_little_audio_is_an_error_and_the_session_goes_on(
    connection: VoiceLiveConnection,
) -> None:
    await configure(connection, turn_detection=None)
    await connection.input_audio_buffer.commit(event_id="evt-empty")
    error = await next_event(connection)
    assert error.type == "error"
    assert error.error.code == "input_audio_buffer_commit_empty"
    assert error.error.event_id == "evt-empty"
    await append_frames(connection, silence(40))
    await connection.input_audio_buffer.commit()
    assert (await next_event(connection)).error.code == "input_audio_buffer_commit_empty"
    await append_frames(connection, silence(200))
    await connection.input_audio_buffer.commit()
    assert (await next_event(connection)).type == "input_audio_buffer.committed"


async def test_clear_discards_the_buffered_audio(
    connection: VoiceLiveConnection, sentence: bytes
) -> None:
    await configure(connection, turn_detection=None)
    await append_frames(connection, sentence)
    assert types(await events_until_cleared(connection)) == ["input_audio_buffer.cleared"]
    await connection.input_audio_buffer.commit()
    assert (await next_event(connection)).error.code == "input_audio_buffer_commit_empty"


@pytest.mark.parametrize(("threshold", "heard"), [(0.9, False), (0.1, True)])
async def test_threshold_decides_whether_quiet_speech_counts(
    connection: VoiceLiveConnection, sentence: bytes, threshold: float, heard: bool
) -> None:
    await configure(
        connection,
        turn_detection={"type": "server_vad", "threshold": threshold, "create_response": False},
    )
    quiet = scaled(sentence, 0.05)  # about -47 dBFS
    await append_frames(connection, silence(LEAD_IN_MS) + quiet + silence(1500))
    kinds = types(await events_until_cleared(connection))
    assert ("input_audio_buffer.speech_started" in kinds) is heard
    assert ("input_audio_buffer.speech_stopped" in kinds) is heard


@pytest.mark.parametrize(("silence_ms", "turns"), [(1000, 1), (200, 2)])
async def test_silence_duration_decides_where_a_turn_ends(
    connection: VoiceLiveConnection, sentence: bytes, silence_ms: int, turns: int
) -> None:
    await configure(
        connection,
        turn_detection={
            "type": "server_vad",
            "silence_duration_ms": silence_ms,
            "create_response": False,
        },
    )
    audio = silence(LEAD_IN_MS) + sentence + silence(500) + sentence + silence(2000)
    await append_frames(connection, audio)
    kinds = types(await events_until_cleared(connection))
    assert kinds.count("input_audio_buffer.speech_stopped") == turns
    assert kinds.count("input_audio_buffer.committed") == turns
    assert "response.created" not in kinds


@pytest.mark.parametrize("vad_type", ["azure_semantic_vad", "azure_semantic_vad_multilingual"])
async def test_semantic_vad_types_detect_speech_too(
    connection: VoiceLiveConnection, sentence: bytes, vad_type: str
) -> None:
    await configure(connection, turn_detection={"type": vad_type, "create_response": False})
    await append_frames(connection, silence(LEAD_IN_MS) + sentence + silence(1500))
    kinds = types(await events_until_cleared(connection))
    assert kinds[:3] == [
        "input_audio_buffer.speech_started",
        "input_audio_buffer.speech_stopped",
        "input_audio_buffer.committed",
    ]


async def test_prefix_padding_moves_audio_start_earlier(
    simulator: VoiceLiveSimulator, sentence: bytes
) -> None:
    starts = []
    for padding in (0, 300):
        async with connect(
            endpoint=simulator.endpoint, credential=AzureKeyCredential("demo"), model="m"
        ) as connection:
            await next_event(connection)
            await configure(
                connection,
                turn_detection={
                    "type": "server_vad",
                    "prefix_padding_ms": padding,
                    "create_response": False,
                },
            )
            await append_frames(connection, silence(LEAD_IN_MS) + sentence + silence(1500))
            events = await events_until(connection, "input_audio_buffer.speech_started")
            starts.append(events[-1].audio_start_ms)
    assert abs((starts[0] - starts[1]) - 300) <= FRAME_MS


async def test_invalid_base64_audio_is_an_error(connection: VoiceLiveConnection) -> None:
    await connection.input_audio_buffer.append(audio="not//base64!!", event_id="evt-b64")
    error = await next_event(connection)
    assert error.type == "error"
    assert error.error.param == "audio"
    assert error.error.event_id == "evt-b64"
