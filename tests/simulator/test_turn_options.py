"""Azure turn-taking and voice options the simulator honours: end-of-utterance detection,
filler words, speaking rate, scripted replies, and the values it refuses."""

from __future__ import annotations

import numpy as np
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
from tests.simulator.test_audio_turn import LEAD_IN_MS, SENTENCE, configure, voiced_frames
from voicelive_desktop.protocol import FRAME_MS, SAMPLE_RATE_HZ
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.simulator.turn_options import FILLER_MAX_MS

pytestmark = pytest.mark.asyncio

SEMANTIC = {"type": "azure_semantic_vad", "silence_duration_ms": 500}


@pytest.fixture(scope="module")
def sentence() -> bytes:
    return espeak_pcm(SENTENCE)


def burst(ms: int) -> bytes:
    """A short voiced sound, like an 'um', at about -20 dBFS."""
    t = np.arange(SAMPLE_RATE_HZ * ms // 1000) / SAMPLE_RATE_HZ
    return np.asarray(3000 * np.sin(2 * np.pi * 180 * t), dtype="<i2").tobytes()


TAIL_MS = 3500


def turn_audio_ms(sentence: bytes) -> int:
    return LEAD_IN_MS + len(sentence) * 1000 // (SAMPLE_RATE_HZ * 2) + TAIL_MS


async def stop_gap_ms(
    connection: VoiceLiveConnection, sentence: bytes, offset_ms: int = 0, **detection: object
) -> int:
    """How long after the voice ended the turn ended; `offset_ms` of session audio before."""
    await configure(connection, turn_detection={**SEMANTIC, **detection})
    await append_frames(connection, silence(LEAD_IN_MS) + sentence + silence(TAIL_MS))
    events = await events_until(connection, "input_audio_buffer.speech_stopped", timeout=30)
    voice_end_ms = offset_ms + LEAD_IN_MS + (voiced_frames(sentence)[-1] + 1) * FRAME_MS
    return int(events[-1].audio_end_ms) - voice_end_ms


async def test_end_of_utterance_detection_waits_longer_at_a_higher_level(
    connection: VoiceLiveConnection, sentence: bytes
) -> None:
    plain = await stop_gap_ms(connection, sentence)
    await connection.input_audio_buffer.clear()
    await events_until(connection, "input_audio_buffer.cleared", timeout=30, stop_on_error=False)
    eou = {"model": "semantic_detection_v1", "threshold_level": "high", "timeout_ms": 2000}
    patient = await stop_gap_ms(
        connection, sentence, turn_audio_ms(sentence), end_of_utterance_detection=eou
    )
    assert 500 - 2 * FRAME_MS <= plain <= 500 + 4 * FRAME_MS
    assert patient - plain == pytest.approx(2000, abs=4 * FRAME_MS)


async def _burst_during_a_response(connection: VoiceLiveConnection, remove: bool) -> list[str]:
    await configure(connection, turn_detection={**SEMANTIC, "remove_filler_words": remove})
    await connection.conversation.item.create(
        item=UserMessageItem(content=[InputTextContentPart(text="Tell me something")])
    )
    await connection.response.create()
    await events_until(connection, "response.audio.delta", timeout=20)
    await append_frames(connection, silence(200) + burst(FILLER_MAX_MS - 150) + silence(900))
    events = await events_until(connection, "response.done", timeout=30)
    status = events[-1].response.status
    return [*types(events), str(getattr(status, "value", status))]


async def test_filler_words_do_not_interrupt_when_removed(
    connection: VoiceLiveConnection,
) -> None:
    kinds = await _burst_during_a_response(connection, remove=True)
    assert "input_audio_buffer.speech_started" not in kinds
    assert kinds[-1] == "completed"


async def test_the_same_sound_interrupts_without_filler_word_removal(
    connection: VoiceLiveConnection,
) -> None:
    kinds = await _burst_during_a_response(connection, remove=False)
    assert "input_audio_buffer.speech_started" in kinds
    assert kinds[-1] == "cancelled"


async def _reply_audio_ms(connection: VoiceLiveConnection, voice: dict[str, object]) -> int:
    await configure(connection, voice=voice, modalities=["text", "audio"])
    await connection.response.create(
        response={
            "pre_generated_assistant_message": {
                "type": "message",
                "role": "assistant",
                "content": [{"type": "text", "text": "The quick brown fox jumps over the dog."}],
            }
        }
    )
    events = await events_until(connection, "response.done", timeout=30)
    transcript = "".join(e.delta for e in events if e.type == "response.audio_transcript.delta")
    assert transcript == "The quick brown fox jumps over the dog."
    return len(decoded_audio(events)) * 1000 // (SAMPLE_RATE_HZ * 2)


async def test_speaking_rate_changes_how_long_the_voice_takes(
    connection: VoiceLiveConnection,
) -> None:
    normal = await _reply_audio_ms(
        connection, {"type": "azure-standard", "name": "en-US-AvaNeural"}
    )
    fast = await _reply_audio_ms(
        connection, {"type": "azure-standard", "name": "en-US-AvaNeural", "rate": "1.5"}
    )
    assert fast < normal * 0.8


@pytest.mark.parametrize(
    ("session", "param"),
    [
        (
            {"turn_detection": {**SEMANTIC, "end_of_utterance_detection": {"model": "nope"}}},
            "session.turn_detection.end_of_utterance_detection.model",
        ),
        (
            {
                "turn_detection": {
                    **SEMANTIC,
                    "end_of_utterance_detection": {
                        "model": "semantic_detection_v1",
                        "threshold_level": "extreme",
                    },
                }
            },
            "session.turn_detection.end_of_utterance_detection.threshold_level",
        ),
        (
            {"turn_detection": {**SEMANTIC, "languages": ["english!"]}},
            "session.turn_detection.languages",
        ),
        (
            {"voice": {"type": "azure-standard", "name": "en-US-AvaNeural", "temperature": 1.5}},
            "session.voice.temperature",
        ),
        (
            {"voice": {"type": "azure-standard", "name": "en-US-AvaNeural", "rate": "3"}},
            "session.voice.rate",
        ),
        (
            {"input_audio_transcription": {"model": "whisper-1", "phrase_list": ["Contoso"]}},
            "session.input_audio_transcription.phrase_list",
        ),
    ],
)
async def test_values_the_service_refuses_leave_the_session_unchanged(
    connection: VoiceLiveConnection,
    simulator: VoiceLiveSimulator,
    session: dict[str, object],
    param: str,
) -> None:
    before = simulator.session_config
    await connection.session.update(session=session)
    error = await next_event(connection)
    assert error.type == "error"
    assert error.error.param == param
    assert simulator.session_config == before
