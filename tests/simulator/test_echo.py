"""The simulator's echo handling: the config it accepts, stereo it refuses, and the canceller
on channel 0 with channel 1 as the reference, before its VAD."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from azure.ai.voicelive.aio import VoiceLiveConnection

from tests.fixtures.echo_path import SCENARIOS, EchoPath
from tests.simulator.sdk_client import (
    append_frames,
    espeak_pcm,
    events_until,
    next_event,
    silence,
)
from voicelive_desktop.simulator.echo import looks_like_interleaved_stereo
from voicelive_desktop.simulator.session_config import (
    InvalidSessionUpdate,
    default_session,
    merged_session,
)

CLIENT_REFERENCE = {
    "type": "server_echo_cancellation",
    "reference_source": "client",
    "channels": 2,
}


def interleave(mic: bytes, reference: bytes) -> bytes:
    left = np.frombuffer(mic, dtype="<i2")
    right = np.frombuffer(reference, dtype="<i2")[: left.size]
    return np.stack([left, right], axis=1).astype("<i2").tobytes()


def echo_of(pcm: bytes) -> bytes:
    """What loud laptop speakers playing `pcm` put into the microphone."""
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    path = EchoPath(SCENARIOS["loud_speakers"], 24_000)
    out = np.concatenate(
        [path.process(samples[i : i + 480]) for i in range(0, samples.size - 479, 480)]
    )
    return np.clip(out * 32768.0, -32768, 32767).astype("<i2").tobytes()


async def update(connection: VoiceLiveConnection, **session: Any) -> Any:
    """The answer to a session.update: session.updated, or an error."""
    await connection.session.update(session=session)
    while True:
        event = await next_event(connection)
        if event.type in ("session.updated", "error"):
            return event


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "config",
    [
        {"type": "server_echo_cancellation", "reference_source": "server", "channels": 2},
        {"type": "server_echo_cancellation", "reference_source": "client"},
        {"type": "server_echo_cancellation", "reference_source": "nearby"},
        {"type": "server_echo_cancellation", "channels": 3},
    ],
)
async def test_echo_configs_the_reference_does_not_allow_are_refused(
    connection: VoiceLiveConnection, config: dict[str, Any]
) -> None:
    event = await update(connection, input_audio_echo_cancellation=config)
    assert event.type == "error"
    assert event.error.param.startswith("session.input_audio_echo_cancellation")


@pytest.mark.asyncio
async def test_the_client_reference_config_is_applied(connection: VoiceLiveConnection) -> None:
    event = await update(connection, input_audio_echo_cancellation=CLIENT_REFERENCE)
    assert event.type == "session.updated"
    assert event.session.input_audio_echo_cancellation.channels == 2


@pytest.mark.asyncio
async def test_stereo_input_without_the_config_gets_an_error(
    connection: VoiceLiveConnection,
) -> None:
    speech = espeak_pcm("Is this stereo or mono?")
    await append_frames(connection, interleave(speech, bytes(len(speech))))
    events = await events_until(connection, "error", stop_on_error=False)
    assert events[-1].error.param == "audio"
    assert "stereo" in events[-1].error.message


def test_an_unknown_echo_cancellation_type_is_refused() -> None:
    # The SDK's model always sends server_echo_cancellation; another client may not.
    with pytest.raises(InvalidSessionUpdate, match="server_echo_cancellation"):
        merged_session(
            default_session("sess", None), {"input_audio_echo_cancellation": {"type": "x"}}
        )


def test_mono_speech_is_not_taken_for_stereo() -> None:
    speech = np.frombuffer(espeak_pcm("Plain mono speech from a microphone."), dtype="<i2")
    frames = [speech[i : i + 2400] for i in range(0, speech.size - 2399, 480)]
    assert not any(looks_like_interleaved_stereo(frame) for frame in frames)


@pytest.mark.asyncio
async def test_off_the_vad_hears_the_echo_but_with_the_client_reference_it_does_not(
    connection: VoiceLiveConnection,
) -> None:
    assistant = espeak_pcm("Here is the weather for the next few days, sunny and warm.")
    echo = echo_of(assistant)
    # Off: the echo alone starts a user turn.
    await update(connection, input_audio_echo_cancellation=None)
    await append_frames(connection, silence(200) + echo)
    await events_until(connection, "input_audio_buffer.speech_started")
    await connection.input_audio_buffer.clear()
    await events_until(connection, "input_audio_buffer.cleared", stop_on_error=False)
    # Client reference: channel 1 carries what played; the same echo is cancelled...
    await update(connection, input_audio_echo_cancellation=CLIENT_REFERENCE)
    lead = bytes(2 * 240)  # the reference leads the echo by 10 ms
    reference = lead + assistant
    await append_frames(connection, interleave(silence(200) + echo, silence(200) + reference))
    # ...and the user talking over it is still heard.
    user = espeak_pcm("Stop, please stop.", voice="en")
    talk = np.frombuffer(echo_of(assistant), dtype="<i2")[: len(user) // 2].astype(np.int32)
    talk += np.frombuffer(user, dtype="<i2")
    mixed = np.clip(talk, -32768, 32767).astype("<i2").tobytes()
    await append_frames(connection, interleave(mixed + silence(800), reference + silence(800)))
    events = await events_until(connection, "input_audio_buffer.speech_started")
    started = events[-1].audio_start_ms
    # The turn began in the user's speech, not in the echo-only part before it.
    echo_only_ms = 200 + len(echo) * 1000 // 48_000
    assert started >= 200 + 200 + echo_only_ms - 300 - 100
