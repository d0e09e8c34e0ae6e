"""Mic capture on the virtual microphone: speech arrives as 40 ms frames of 24 kHz PCM16,
silence in batches of them."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from tests.audio.speech_match import best_correlation, resample_to
from tests.fixtures.virtual_audio import VirtualAudio, read_wav_mono
from tests.waiting import wait_until
from voicelive_desktop import protocol
from voicelive_desktop.audio.capture import HANDOVER_BYTES, MicCapture
from voicelive_desktop.audio.handover_batch import QUIET_BATCH
from voicelive_desktop.audio.levels import LEVEL_FLOOR_DBFS, AudioLevel

pytestmark = [pytest.mark.audio, pytest.mark.asyncio]


async def _capture_while_playing(
    virtual_audio: VirtualAudio, wav: object, muted: bool = False
) -> list[tuple[bytes, AudioLevel]]:
    frames: list[tuple[bytes, AudioLevel]] = []
    failures: list[str] = []
    capture = MicCapture(lambda pcm, level: frames.append((pcm, level)), failures.append)
    capture.muted = muted
    capture.open()
    try:
        # A new PortAudio stream delivers its first blocks only after a moment; speech played
        # before that is not lost by us but never reaches the stream.
        await wait_until(lambda: len(frames) >= 10, 5)
        await asyncio.to_thread(virtual_audio.play_into_mic, wav)
        await asyncio.sleep(0.4)
    finally:
        capture.close()
    assert not failures
    return frames


async def test_speech_into_the_mic_arrives_as_wire_frames(virtual_audio: VirtualAudio) -> None:
    wav = virtual_audio.speech_wav("The quick brown fox jumps over the lazy dog.")
    frames = await _capture_while_playing(virtual_audio, wav)
    assert frames
    sizes = [len(pcm) // HANDOVER_BYTES for pcm, _ in frames]
    assert all(len(pcm) % HANDOVER_BYTES == 0 for pcm, _ in frames)
    assert set(sizes) <= set(range(1, QUIET_BATCH + 1))
    # Silence before the speech waits for company; the speech itself goes frame by frame.
    assert sizes[0] == QUIET_BATCH
    recorded = np.frombuffer(b"".join(pcm for pcm, _ in frames), dtype="<i2") / 32768.0
    speech, rate = read_wav_mono(wav)
    reference = resample_to(speech, rate, protocol.SAMPLE_RATE_HZ)
    assert best_correlation(recorded.astype(np.float32), reference) > 0.9
    # every speech frame carries its level: 25 per second of audio, what the meters animate at
    loud = [level for pcm, level in frames if level.rms_dbfs > -40]
    # (the first may carry the silence that was waiting ahead of it)
    loud_sizes = [len(pcm) for pcm, level in frames if level.rms_dbfs > -40]
    assert set(loud_sizes[1:]) == {HANDOVER_BYTES}
    quiet = [level for _, level in frames if level.rms_dbfs == LEVEL_FLOOR_DBFS]
    assert len(loud) > 20 and quiet, "speech frames and silent frames both expected"
    assert all(level.peak_dbfs >= level.rms_dbfs for _, level in frames)


async def test_a_muted_mic_sends_silence(virtual_audio: VirtualAudio) -> None:
    wav = virtual_audio.speech_wav("This must not be heard.", name="muted.wav")
    frames = await _capture_while_playing(virtual_audio, wav, muted=True)
    assert frames
    assert all(pcm == bytes(len(pcm)) and len(pcm) % HANDOVER_BYTES == 0 for pcm, _ in frames)
    assert all(level.rms_dbfs == LEVEL_FLOOR_DBFS for _, level in frames)
