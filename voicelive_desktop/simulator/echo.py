"""What the service does with the assistant's echo in the input audio, per session config.

The Voice Live API (2026-07-15, SDK 1.3.1's `AudioEchoCancellation`) documents three cases:
- `input_audio_echo_cancellation: null`: nothing; the VAD hears whatever echo the mic picked
  up, so a client on loudspeakers interrupts itself.
- `reference_source: server` (the default): "EC uses the internal TTS loopback as the
  reference signal". The service knows what it sent and when, but not when the client played
  it (network, jitter buffer, device latency); the how-to says it degrades when playback runs
  over 2 s late. Modelled honestly: the reference is the simulator's own audio, placed on the
  input timeline by the wall clock at which it was sent, and an adaptive canceller has to find
  the real delay itself.
- `reference_source: client, channels: 2`: "Interleaved stereo input where channel 0 is the
  microphone signal and channel 1 is the echo reference signal"; the internal loopback is
  skipped. The canceller runs on channel 0 with channel 1 as the reference, before the VAD.

The canceller is WebRTC's AEC3 (livekit's AudioProcessingModule), a real adaptive one.
Stereo input sent without `channels: 2` is refused with an `error` event: the service would
otherwise take the interleaved samples for a mono signal at twice the pitch.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from voicelive_desktop.protocol import SAMPLE_RATE_HZ

Int16Array = npt.NDArray[np.int16]

_RATE = SAMPLE_RATE_HZ
_SUBFRAME = _RATE // 100  # AEC3 works on 10 ms
_PLAYOUT_KEPT_S = 10.0
_STEREO_WINDOW = _RATE // 10  # 100 ms
_REFUSAL_INTERVAL_S = 5.0


class StereoWithoutConfig(ValueError):
    """Appended audio looks like interleaved stereo, but the session is configured mono."""


@dataclass(frozen=True)
class EchoConfig:
    """The applied `input_audio_echo_cancellation`, as the simulator needs it."""

    reference: str | None = None  # None (off), "server" or "client"
    channels: int = 1

    @classmethod
    def of(cls, session: dict[str, Any]) -> EchoConfig:
        applied = session.get("input_audio_echo_cancellation")
        if not applied:
            return cls()
        return cls(applied.get("reference_source") or "server", int(applied.get("channels") or 1))


def looks_like_interleaved_stereo(samples: Int16Array) -> bool:
    """True when `samples` read as mono look like two interleaved channels.

    Mono speech at 24 kHz is smooth: each sample is close to its neighbour (lag-1
    correlation high). Interleaved, neighbours come from different channels (one often
    silent), so lag-1 correlation collapses while lag-2 (same channel) stays high.
    """
    x = samples.astype(np.float64)
    if x.size < _STEREO_WINDOW or np.sqrt(np.mean(x * x)) < 100.0:  # too short or too quiet to tell
        return False
    energy = float(np.dot(x, x))
    lag1 = float(np.dot(x[:-1], x[1:])) / energy
    lag2 = float(np.dot(x[:-2], x[2:])) / energy
    return lag2 > 0.4 and lag1 < lag2 - 0.3


class ServerPlayout:
    """The simulator's own output on its wall clock: what a server-side reference can know.

    Audio is assumed to play from the moment it is sent (or right after the audio before it),
    because the server cannot see the client's buffers. The input is placed on the same clock
    by its first append and then by its sample count, so the reference is one continuous
    signal; what the server cannot know (the client's jitter buffer, its device latencies,
    the upload's batching) remains as an unknown delay for the canceller to find.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._origin = clock()
        self._chunks: deque[tuple[int, Int16Array]] = deque()
        self._end = 0
        self._input_next: int | None = None  # clock index of the next input sample

    def _now_index(self) -> int:
        return round((self._clock() - self._origin) * SAMPLE_RATE_HZ)

    def sent(self, pcm: bytes) -> None:
        samples = np.frombuffer(pcm, dtype="<i2")
        start = max(self._now_index(), self._end)
        self._chunks.append((start, samples))
        self._end = start + samples.size
        while self._chunks and self._chunks[0][0] < self._end - _PLAYOUT_KEPT_S * SAMPLE_RATE_HZ:
            self._chunks.popleft()

    def reference(self, count: int) -> Int16Array:
        """What the server believes played during the `count` samples that just arrived."""
        if self._input_next is None:
            self._input_next = self._now_index() - count
        start = self._input_next
        end = start + count
        self._input_next = end
        out = np.zeros(count, dtype=np.int16)
        for chunk_start, samples in self._chunks:
            lo, hi = max(start, chunk_start), min(end, chunk_start + samples.size)
            if lo < hi:
                out[lo - start : hi - start] = samples[lo - chunk_start : hi - chunk_start]
        return out


class _Aec3:
    """One WebRTC AEC3 instance over 10 ms frames of 24 kHz PCM16."""

    def __init__(self) -> None:
        from livekit import rtc

        self._rtc = rtc
        self._apm = rtc.AudioProcessingModule(echo_cancellation=True, high_pass_filter=True)
        self._near = bytearray()
        self._far = bytearray()

    def process(self, near: Int16Array, far: Int16Array) -> bytes:
        """Cleaned near-end audio; whole 10 ms frames only, the rest waits for the next call."""
        self._near += near.tobytes()
        self._far += far.tobytes()
        out = bytearray()
        frame_bytes = _SUBFRAME * 2
        while len(self._near) >= frame_bytes and len(self._far) >= frame_bytes:
            far_frame = self._rtc.AudioFrame(bytes(self._far[:frame_bytes]), _RATE, 1, _SUBFRAME)
            near_frame = self._rtc.AudioFrame(self._near[:frame_bytes], _RATE, 1, _SUBFRAME)
            del self._far[:frame_bytes], self._near[:frame_bytes]
            self._apm.process_reverse_stream(far_frame)
            self._apm.set_stream_delay_ms(0)
            self._apm.process_stream(near_frame)
            out += bytes(near_frame.data.cast("B"))
        return bytes(out)


class InputEcho:
    """Owns the session's echo handling: appended audio in, what the VAD hears out."""

    def __init__(self, playout: ServerPlayout | None = None) -> None:
        self.config = EchoConfig()
        self.playout = playout or ServerPlayout()
        self._canceller: _Aec3 | None = None
        # The latest mono input, to tell stereo from mono over more than one 20 ms append.
        self._recent: Int16Array = np.zeros(0, dtype=np.int16)
        self._refused_at: float | None = None

    def configure(self, session: dict[str, Any]) -> None:
        config = EchoConfig.of(session)
        if config != self.config:
            self._canceller = _Aec3() if config.reference else None
        self.config = config

    def assistant_audio_sent(self, pcm: bytes) -> None:
        self.playout.sent(pcm)

    def heard(self, pcm: bytes) -> bytes:
        """The mono audio the VAD gets for one append; raises StereoWithoutConfig."""
        if self.config.channels == 2:
            frames = np.frombuffer(pcm[: len(pcm) - len(pcm) % 4], dtype="<i2").reshape(-1, 2)
            assert self._canceller is not None
            return self._canceller.process(frames[:, 0].copy(), frames[:, 1].copy())
        samples = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], dtype="<i2")
        self._recent = np.concatenate([self._recent, samples])[-_STEREO_WINDOW:]
        if looks_like_interleaved_stereo(self._recent):
            # Refused audio never reaches the VAD; the error is repeated at most every few
            # seconds, so a misconfigured client is told without being flooded.
            now = time.monotonic()
            if self._refused_at is not None and now - self._refused_at < _REFUSAL_INTERVAL_S:
                return b""
            self._refused_at = now
            raise StereoWithoutConfig(
                "The input audio looks like interleaved stereo, but the session expects mono. "
                "Send mono PCM16, or set input_audio_echo_cancellation to "
                '{"type": "server_echo_cancellation", "reference_source": "client", '
                '"channels": 2}.'
            )
        if self._canceller is None:
            return pcm
        return self._canceller.process(samples, self.playout.reference(samples.size))
