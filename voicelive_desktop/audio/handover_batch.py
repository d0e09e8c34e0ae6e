"""Which mic hand-overs may wait for the next one: speech goes to the loop at once, silence in
batches.

Every hand-over to the loop costs about the same whatever it carries: a wake of the Qt loop
through `call_soon_threadsafe`, the echo stage's call, an `input_audio_buffer.append` through
the SDK and a websocket write. While nobody speaks, nothing depends on those 40 ms frames
arriving one by one, so they travel in threes (one wake and one append per 120 ms); while
the mic hears speech, and for `PROMPT_AFTER_SPEECH_S` after it, every frame goes at once,
with anything pending ahead of it. The service's VAD therefore sees a turn's start, its end
and a barge-in as early as before: what waits is only audio in which nothing was said.
"""

from __future__ import annotations

import math

import numpy as np

from voicelive_desktop.audio.levels import AudioLevel, amplitude_to_dbfs
from voicelive_desktop.audio.samples import (
    PCM16_FULL_SCALE,
    FloatArray,
    Int16Array,
    pcm16_from_scaled,
)

# Quiet hand-overs that travel together (40 ms each: 120 ms, under the service's VAD prefix
# padding of 300 ms, and under the append batch of `engine.input_audio`).
QUIET_BATCH = 3
# Every frame goes at once this long after the last one that sounded like speech: longer
# than the pauses inside a sentence and than the VAD's silence to end a turn (500 ms by
# default), so the end of a turn is never held back.
PROMPT_AFTER_SPEECH_S = 2.0
# A frame sounds like speech this far above the mic's noise floor (10 dB)...
_ABOVE_FLOOR = 10 ** (10 / 10)
# ...and above this absolute level (-70 dBFS RMS, mean square at PCM16 scale): below it, even
# the most sensitive VAD setting (-60 dBFS) hears nothing.
_AUDIBLE_MEAN_SQUARE = (PCM16_FULL_SCALE * 10 ** (-70 / 20)) ** 2
# The floor falls to any quieter frame at once and rises by 1 % of its power per frame (about
# 1 dB a second), so a room that got louder is learnt without speech being taken for noise.
_FLOOR_RISE = 1.01


class HandoverBatch:
    """Owns the PCM16 of the mic hand-overs not yet sent to the loop, and the noise floor that
    tells speech from silence. The PortAudio thread only; preallocated, nothing allocated per
    frame but the batch's bytes when it goes."""

    def __init__(self, frame_samples: int) -> None:
        self.frame_samples = frame_samples
        self._pcm16: Int16Array = np.zeros((QUIET_BATCH, frame_samples), dtype=np.int16)
        self._count = 0
        self._first_captured_at = 0.0
        self._sum_squares = 0.0
        self._peak = 0.0
        self._floor: float | None = None  # mean square at PCM16 scale
        self._prompt_until = -math.inf

    def reset(self) -> None:
        """Drop what is pending (a new stream) and learn the floor anew."""
        self._count = 0
        self._floor = None
        self._prompt_until = -math.inf

    def add(self, frame: FloatArray, captured_at: float, now: float) -> bool:
        """Take one hand-over (mono, PCM16 scale; rounded and clipped in place), whose first
        sample was captured at `captured_at`; True when the batch should go now (`take`)."""
        sum_squares = float(np.dot(frame, frame))
        if self._is_speech(sum_squares / frame.size):
            self._prompt_until = now + PROMPT_AFTER_SPEECH_S
        if self._count == 0:
            self._first_captured_at = captured_at
            self._sum_squares = self._peak = 0.0
        self._sum_squares += sum_squares
        # max and -min instead of abs(): no temporary array on the PortAudio thread.
        self._peak = max(self._peak, float(frame.max()), -float(frame.min()))
        pcm16_from_scaled(frame, self._pcm16[self._count])
        self._count += 1
        return self._count == QUIET_BATCH or now < self._prompt_until

    def take(self) -> tuple[bytes, AudioLevel, float]:
        """The pending PCM16, its level, and when its first sample was captured; empties the
        batch."""
        count, self._count = self._count, 0
        samples = count * self.frame_samples
        rms = math.sqrt(self._sum_squares / samples) if samples else 0.0
        level = AudioLevel(
            amplitude_to_dbfs(rms / PCM16_FULL_SCALE),
            amplitude_to_dbfs(self._peak / PCM16_FULL_SCALE),
        )
        return self._pcm16[:count].tobytes(), level, self._first_captured_at

    def _is_speech(self, mean_square: float) -> bool:
        floor = self._floor
        if floor is None or mean_square < floor:
            self._floor = mean_square
            return False
        self._floor = min(mean_square, floor * _FLOOR_RISE)
        return mean_square > _AUDIBLE_MEAN_SQUARE and mean_square > floor * _ABOVE_FLOOR
