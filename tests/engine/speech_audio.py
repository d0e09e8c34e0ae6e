"""Real speech for engine tests: espeak-ng WAV -> 24 kHz mono PCM16 in 20 ms frames."""

from __future__ import annotations

import asyncio
import subprocess
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soxr

from voicelive_desktop.protocol import FRAME_BYTES, SAMPLE_RATE_HZ


def espeak_pcm16(text: str, directory: Path) -> bytes:
    """`text` spoken by espeak-ng, resampled to the wire format (24 kHz mono PCM16)."""
    path = directory / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(path), text], check=True, timeout=30)
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    resampled = soxr.resample(samples.astype(np.float32) / 32768.0, rate, SAMPLE_RATE_HZ)
    pcm: bytes = np.clip(resampled * 32768.0, -32768, 32767).astype("<i2").tobytes()
    return pcm + bytes(-len(pcm) % FRAME_BYTES)


def frames(pcm: bytes) -> list[bytes]:
    return [pcm[i : i + FRAME_BYTES] for i in range(0, len(pcm), FRAME_BYTES)]


SILENCE_FRAME = bytes(FRAME_BYTES)


async def speak_into(submit: Callable[[bytes], None], pcm: bytes, silence_ms: int) -> None:
    """Feed `pcm` then `silence_ms` of silence as 20 ms frames, paced like a microphone."""
    for frame in frames(pcm) + [SILENCE_FRAME] * (silence_ms // 20):
        submit(frame)
        await asyncio.sleep(0.02)
