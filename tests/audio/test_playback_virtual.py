"""Speaker playback on the virtual speaker: audio reaches it, and flush silences it at once."""

from __future__ import annotations

import asyncio
import time

import numpy as np
import pytest

from tests.audio.speech_match import best_correlation, loud_span_ms, resample_to
from tests.fixtures.virtual_audio import RATE_HZ, VirtualAudio, read_wav_mono
from tests.waiting import wait_until
from voicelive_desktop import protocol
from voicelive_desktop.audio.levels import AudioLevel
from voicelive_desktop.audio.playback import SpeakerPlayback

pytestmark = [pytest.mark.audio, pytest.mark.asyncio]


def _pcm16(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()


async def _enqueue_in_chunks(playback: SpeakerPlayback, item_id: str, pcm: bytes) -> None:
    chunk = protocol.FRAME_BYTES * 5  # 100 ms, as the service sends deltas
    for start in range(0, len(pcm), chunk):
        playback.enqueue(item_id, pcm[start : start + chunk])
        await asyncio.sleep(0)


async def test_assistant_audio_reaches_the_speaker(virtual_audio: VirtualAudio) -> None:
    wav = virtual_audio.speech_wav("Sure. The weather today is sunny with a light breeze.")
    speech, rate = read_wav_mono(wav)
    wire = resample_to(speech, rate, protocol.SAMPLE_RATE_HZ)
    levels: list[AudioLevel] = []
    failures: list[str] = []
    playback = SpeakerPlayback(levels.append, failures.append)
    playback.open()
    try:
        with virtual_audio.record_speaker() as recording:
            await _enqueue_in_chunks(playback, "item_1", _pcm16(wire))
            assert playback.is_playing()
            while playback.is_playing():
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.2)
    finally:
        playback.close()
    assert not failures
    reference = resample_to(speech, rate, RATE_HZ)
    assert best_correlation(recording.samples, reference) > 0.9
    assert abs(playback.played_ms("item_1") - wire.size * 1000 // 24_000) <= 20
    assert playback.underruns == 0
    assert max(level.rms_dbfs for level in levels) > -30


async def test_flush_silences_the_speaker_within_20_ms(virtual_audio: VirtualAudio) -> None:
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(3 * 24_000) / 24_000)
    failures: list[str] = []
    playback = SpeakerPlayback(lambda level: None, failures.append)
    playback.open()
    try:
        with virtual_audio.record_speaker() as recording:
            await _enqueue_in_chunks(playback, "item_tone", _pcm16(tone))
            await wait_until(lambda: playback.played_ms("item_tone") >= 800, 5)
            played_ms = playback.played_ms("item_tone")
            playback.flush()
            assert not playback.is_playing()
            await asyncio.sleep(0.6)
        latency_ms = playback.latency_ms
    finally:
        playback.close()
    assert not failures
    start, end = loud_span_ms(recording.samples, RATE_HZ)
    heard_ms = end - start
    # `played_ms` is what had reached the speaker when flush() was called, so what the speaker
    # carried beyond it is the time from flush() to silence: one device block at most, plus
    # the device's own buffer (`latency_ms`), which no application can take back.
    after_flush_ms = heard_ms - played_ms
    print(
        f"flush: silent {after_flush_ms:.1f} ms after the call; device latency {latency_ms:.0f} ms"
    )
    assert played_ms < 1_000, "playback must be paced by the device"
    assert -10 <= after_flush_ms <= 20 + latency_ms, "all played audio heard, then silence"
    tail = recording.samples[int(end * RATE_HZ / 1000) + RATE_HZ // 100 :]
    assert np.max(np.abs(tail)) < 1e-3, "the speaker must stay silent after the flush"


async def test_an_idle_stream_stops_and_the_next_reply_still_plays_whole(
    virtual_audio: VirtualAudio,
) -> None:
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(24_000) / 24_000)  # 1 s
    failures: list[str] = []
    playback = SpeakerPlayback(lambda level: None, failures.append)
    playback.open()
    try:
        await wait_until(lambda: playback.paused, 5, "the idle stream to stop")
        # A stopped stream is not a stalled one: the supervisor must not reopen it.
        await asyncio.sleep(0.3)
        assert time.monotonic() - playback.last_callback_at < 0.1
        with virtual_audio.record_speaker() as recording:
            await _enqueue_in_chunks(playback, "item_after_pause", _pcm16(tone))
            assert not playback.paused
            await wait_until(lambda: not playback.is_playing(), 5, "the tone to play")
            await asyncio.sleep(0.2)
        await wait_until(lambda: playback.paused, 5, "the stream to stop again")
    finally:
        playback.close()
    assert not failures
    start, end = loud_span_ms(recording.samples, RATE_HZ)
    window = RATE_HZ // 1000
    envelope = np.abs(recording.samples[: recording.samples.size // window * window])
    loud_ms = np.flatnonzero(envelope.reshape(-1, window).max(axis=1) > 0.01)
    assert loud_ms.size == end - start, "no gap in the reply"
    # The resampler keeps the last 2 ms when no next item drains it.
    assert 985 <= end - start <= 1010
    assert playback.underruns == 0
    assert playback.device_underflows == 0


async def test_reply_after_reply_is_no_underrun_and_keeps_the_preroll(
    virtual_audio: VirtualAudio,
) -> None:
    """The resampler's tail of a finished reply used to be pushed when the next reply began:
    counted as an underrun of the old item, it lengthened the pre-roll every turn."""
    tone = _pcm16(0.5 * np.sin(2 * np.pi * 440 * np.arange(12_000) / 24_000))  # 500 ms
    chunk = protocol.FRAME_BYTES * 5
    failures: list[str] = []
    playback = SpeakerPlayback(lambda level: None, failures.append)
    playback.open()
    try:
        await asyncio.sleep(0.4)  # past the warm-up of a freshly opened stream
        for item in ("reply_1", "reply_2", "reply_3"):
            for start in range(0, len(tone), chunk):  # paced like the service's deltas
                playback.enqueue(item, tone[start : start + chunk])
                await asyncio.sleep(0.1)
            await wait_until(lambda: not playback.is_playing(), 5, "the reply to play")
            await asyncio.sleep(0.3)
    finally:
        playback.close()
    assert not failures
    assert playback.underruns == 0
    assert playback._buffer.preroll_ms == 80
