"""Test helpers: the real SDK talking to a simulator, and real espeak-ng speech to feed it."""

from __future__ import annotations

import asyncio
import base64
import shutil
import subprocess
import wave
from collections.abc import Iterable
from io import BytesIO

import numpy as np
import pytest
import soxr
from azure.ai.voicelive.models import ServerEvent

from voicelive_desktop.protocol import FRAME_BYTES, SAMPLE_RATE_HZ


def specific(event: ServerEvent) -> ServerEvent:
    """The event, after checking the SDK parsed it into its own class, not the fallback base."""
    assert type(event) is not ServerEvent, f"SDK fell back to ServerEvent for {event.get('type')!r}"
    assert type(event).__name__.startswith("ServerEvent"), type(event)
    return event


async def next_event(connection: object, timeout: float = 10.0) -> ServerEvent:
    event = await asyncio.wait_for(connection.recv(), timeout)  # type: ignore[attr-defined]
    return specific(event)


async def events_until(
    connection: object, last_type: str, timeout: float = 20.0, *, stop_on_error: bool = True
) -> list[ServerEvent]:
    """Every event up to and including the first of `last_type`; each checked as specific."""
    events: list[ServerEvent] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise AssertionError(f"no {last_type!r} within {timeout} s; got {types(events)}")
        event = await next_event(connection, remaining)
        events.append(event)
        if event.type == last_type:
            return events
        if stop_on_error and event.type == "error":
            raise AssertionError(f"server error while waiting for {last_type}: {event.error}")


def types(events: Iterable[ServerEvent]) -> list[str]:
    return [str(event.type) for event in events]


def espeak_pcm(text: str, *, voice: str = "en-us") -> bytes:
    """`text` spoken by espeak-ng as wire-format audio (PCM16, 24 kHz, mono)."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    wav = subprocess.run(
        ["espeak-ng", "--stdout", "-v", voice, text], check=True, capture_output=True
    ).stdout
    # espeak-ng streams its WAV with placeholder sizes; patch them so `wave` reads it all.
    data_at = wav.index(b"data") + 8
    fixed = bytearray(wav)
    fixed[4:8] = (len(wav) - 8).to_bytes(4, "little")
    fixed[data_at - 4 : data_at] = (len(wav) - data_at).to_bytes(4, "little")
    with wave.open(BytesIO(bytes(fixed))) as reader:
        rate = reader.getframerate()
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    return np.asarray(soxr.resample(samples, rate, SAMPLE_RATE_HZ), dtype="<i2").tobytes()


def silence(ms: int) -> bytes:
    return bytes(SAMPLE_RATE_HZ * 2 * ms // 1000)


def scaled(pcm: bytes, gain: float) -> bytes:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) * gain
    return np.clip(samples, -32768, 32767).astype("<i2").tobytes()


async def append_frames(connection: object, pcm: bytes) -> None:
    """Send `pcm` as 20 ms input_audio_buffer.append events, as the app's microphone does."""
    for start in range(0, len(pcm), FRAME_BYTES):
        frame = pcm[start : start + FRAME_BYTES]
        await connection.input_audio_buffer.append(  # type: ignore[attr-defined]
            audio=base64.b64encode(frame).decode("ascii")
        )


def decoded_audio(events: Iterable[ServerEvent]) -> bytes:
    """The assistant audio of the events (the SDK already decodes the base64 of each delta)."""
    return b"".join(event.delta for event in events if event.type == "response.audio.delta")


def rms(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0
    return float(np.sqrt(np.mean(samples * samples))) if samples.size else 0.0
