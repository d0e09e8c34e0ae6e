"""Energy-based voice activity detection standing in for the service's server VAD."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from voicelive_desktop.protocol import BYTES_PER_SAMPLE, FRAME_BYTES, FRAME_MS, vad_threshold_dbfs

# A run this long of loud frames counts as speech; shorter clicks and pops do not.
ONSET_MS = 60
_ONSET_FRAMES = ONSET_MS // FRAME_MS


def threshold_rms(threshold: float) -> float:
    """The frame RMS (full scale = 1.0) at which a frame counts as voiced: threshold 0 is
    -60 dBFS (anything above a quiet room), 1 is -10 dBFS (shouting at the mic)."""
    return float(10 ** (vad_threshold_dbfs(threshold) / 20))


def frame_rms(frame: bytes) -> float:
    """RMS of one PCM16 frame relative to full scale."""
    samples = np.frombuffer(frame, dtype="<i2").astype(np.float64) / 32768.0
    if samples.size == 0:
        return 0.0
    return float(np.sqrt(np.mean(samples * samples)))


@dataclass(frozen=True)
class VadEvent:
    """Speech began or ended at `ms` from the start of the session's input audio.

    A stop carries the voiced length of the utterance it ends (`speech_ms`): one append can
    hold several utterances, so nothing may be read back from the detector afterwards.
    """

    kind: Literal["started", "stopped", "filler"]  # filler: a burst ignored as a filler word
    ms: int
    speech_ms: int = 0


class EnergyVad:
    """Streaming detector over 20 ms frames; appends may split frames anywhere."""

    def __init__(self, threshold: float, silence_duration_ms: int, start_ms: int = 0) -> None:
        """`start_ms`: where in the session's input audio this detector starts listening."""
        self._level = threshold_rms(threshold)
        self._silence_frames_to_stop = max(1, -(-silence_duration_ms // FRAME_MS))
        self._pending = bytearray()
        self._frame_index = start_ms // FRAME_MS
        self._loud_run = 0
        self._quiet_run = 0
        self.speaking = False
        self.speech_start_ms = 0
        # A run must last this many frames before it is announced (0: at once); a shorter
        # one ends as a "filler" event instead of a started/stopped pair.
        self._guard_frames = 0
        self._announced = False

    def reconfigure(self, threshold: float, silence_duration_ms: int) -> None:
        """Apply new session values without losing the stream position."""
        self._level = threshold_rms(threshold)
        self._silence_frames_to_stop = max(1, -(-silence_duration_ms // FRAME_MS))

    def set_filler_guard(self, guard_ms: int) -> None:
        """Announce speech only once it has lasted `guard_ms` (remove_filler_words while a
        response plays); 0 announces every onset at once."""
        self._guard_frames = max(0, guard_ms // FRAME_MS)

    @property
    def _guard_ms(self) -> int:
        return self._guard_frames * FRAME_MS

    def reset(self) -> None:
        """Forget any speech in progress (the client cleared or committed the buffer)."""
        self._loud_run = 0
        self._quiet_run = 0
        self.speaking = False

    def feed(self, pcm: bytes) -> list[VadEvent]:
        """Analyse newly appended audio; returns the speech boundaries it crossed."""
        self._pending += pcm
        events: list[VadEvent] = []
        offset = 0
        while len(self._pending) - offset >= FRAME_BYTES:
            frame = bytes(self._pending[offset : offset + FRAME_BYTES])
            offset += FRAME_BYTES
            event = self._step(frame_rms(frame) >= self._level)
            if event is not None:
                events.append(event)
        del self._pending[:offset]
        return events

    def _step(self, loud: bool) -> VadEvent | None:
        index = self._frame_index
        self._frame_index += 1
        if not self.speaking:
            self._loud_run = self._loud_run + 1 if loud else 0
            if self._loud_run >= _ONSET_FRAMES:
                self.speaking = True
                self._quiet_run = 0
                self.speech_start_ms = (index - _ONSET_FRAMES + 1) * FRAME_MS
                self._announced = self._guard_frames == 0
                if self._announced:
                    return VadEvent("started", self.speech_start_ms)
            return None
        self._quiet_run = 0 if loud else self._quiet_run + 1
        speech_end_ms = (index - self._quiet_run + 1) * FRAME_MS
        if not self._announced:
            if self._quiet_run == 0 and speech_end_ms - self.speech_start_ms >= self._guard_ms:
                self._announced = True
                return VadEvent("started", self.speech_start_ms)
            if self._quiet_run >= _ONSET_FRAMES:
                # Too short for speech while the assistant talks: a filler word, ignored.
                self.speaking = False
                self._loud_run = 0
                return VadEvent("filler", (index + 1) * FRAME_MS)
            return None
        if self._quiet_run >= self._silence_frames_to_stop:
            self.speaking = False
            self._loud_run = 0
            # The service reports the stop where the silence duration ran out, not where the
            # voice ended.
            return VadEvent("stopped", (index + 1) * FRAME_MS, speech_end_ms - self.speech_start_ms)
        return None


def voiced_span_ms(pcm: bytes, threshold: float) -> int:
    """Milliseconds from the first to the last voiced frame of `pcm` (0 if none)."""
    level = threshold_rms(threshold)
    usable = len(pcm) - len(pcm) % BYTES_PER_SAMPLE
    voiced = [
        i
        for i in range(0, usable // FRAME_BYTES)
        if frame_rms(pcm[i * FRAME_BYTES : (i + 1) * FRAME_BYTES]) >= level
    ]
    if not voiced:
        return 0
    return (voiced[-1] - voiced[0] + 1) * FRAME_MS
