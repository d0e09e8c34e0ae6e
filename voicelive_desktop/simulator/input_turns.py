"""The input audio buffer and how it becomes user turns: server VAD or client commits."""

from __future__ import annotations

from dataclasses import dataclass

from voicelive_desktop.protocol import BYTES_PER_SAMPLE, SAMPLE_RATE_HZ, pcm16_bytes_to_ms
from voicelive_desktop.simulator.session_config import TurnDetection
from voicelive_desktop.simulator.vad import EnergyVad, VadEvent, voiced_span_ms

# The service refuses to commit less than this much audio.
MIN_COMMIT_MS = 100
# A client that streams without ever committing (VAD off) must not grow the buffer forever.
MAX_BUFFER_BYTES = 5 * 60 * SAMPLE_RATE_HZ * BYTES_PER_SAMPLE
_BYTES_PER_MS = SAMPLE_RATE_HZ * BYTES_PER_SAMPLE // 1000


@dataclass(frozen=True)
class SpeechStarted:
    """Server VAD heard speech; `audio_start_ms` includes the prefix padding, as the service's."""

    audio_start_ms: int


@dataclass(frozen=True)
class SpeechStopped:
    """Server VAD ended a turn at `audio_end_ms` (voice end + silence duration); the buffer is
    committed as `speech_ms` of voice."""

    audio_end_ms: int
    speech_ms: int


@dataclass(frozen=True)
class FillerIgnored:
    """A burst too short for speech while a response played (remove_filler_words): no turn,
    no barge-in; its audio is dropped from the buffer."""

    audio_end_ms: int


TurnBoundary = SpeechStarted | SpeechStopped | FillerIgnored


class InputTurns:
    """Audio since the last commit or clear, the session-wide audio clock, and the VAD."""

    def __init__(self, detection: TurnDetection) -> None:
        self._buffer = bytearray()
        self._buffer_start = 0  # session byte offset of the buffer's first byte
        self._detection = detection
        self._vad = self._new_vad()
        self._responding = False

    @property
    def buffered_ms(self) -> int:
        return pcm16_bytes_to_ms(len(self._buffer))

    @property
    def _total_bytes(self) -> int:
        return self._buffer_start + len(self._buffer)

    def configure(self, detection: TurnDetection) -> None:
        """Apply a session.update; a speech run in progress survives a threshold change."""
        if detection.server_side and self._detection.server_side:
            self._vad.reconfigure(detection.threshold, detection.end_of_turn_silence_ms)
        elif detection.server_side:
            self._detection = detection
            self._vad = self._new_vad()
        self._detection = detection
        self._update_filler_guard()

    def set_responding(self, responding: bool) -> None:
        """Whether a response plays now: filler words are ignored only then."""
        self._responding = responding
        self._update_filler_guard()

    def _update_filler_guard(self) -> None:
        self._vad.set_filler_guard(self._detection.filler_guard_ms if self._responding else 0)

    def append(self, pcm: bytes) -> list[TurnBoundary]:
        """Buffer appended audio; with server VAD, the turn boundaries it crossed, in order."""
        self._buffer += pcm
        if len(self._buffer) > MAX_BUFFER_BYTES:
            self._drop_front(len(self._buffer) - MAX_BUFFER_BYTES)
        if not self._detection.server_side:
            return []
        return [self._boundary(event) for event in self._vad.feed(pcm)]

    def commit(self) -> int:
        """Empty the buffer for a client commit; returns the voiced milliseconds in it."""
        speech_ms = voiced_span_ms(bytes(self._buffer), self._detection.threshold)
        self.clear()
        return speech_ms

    def clear(self) -> None:
        self._drop_front(len(self._buffer))
        self._vad.reset()

    def _drop_front(self, byte_count: int) -> None:
        count = max(0, min(byte_count, len(self._buffer)))
        del self._buffer[:count]
        self._buffer_start += count

    def _new_vad(self) -> EnergyVad:
        return EnergyVad(
            self._detection.threshold,
            self._detection.end_of_turn_silence_ms,
            start_ms=pcm16_bytes_to_ms(self._total_bytes),
        )

    def _boundary(self, event: VadEvent) -> TurnBoundary:
        if event.kind == "started":
            # Like the service, the reported start includes the prefix padding, which can
            # reach back no further than the audio still in the buffer.
            padded = event.ms - self._detection.prefix_padding_ms
            return SpeechStarted(max(pcm16_bytes_to_ms(self._buffer_start), padded))
        if event.kind == "filler":
            self._drop_front(event.ms * _BYTES_PER_MS - self._buffer_start)
            return FillerIgnored(event.ms)
        # The turn is committed up to the stop; audio after it starts the next turn.
        self._drop_front(event.ms * _BYTES_PER_MS - self._buffer_start)
        return SpeechStopped(event.ms, event.speech_ms)
