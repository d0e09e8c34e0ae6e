"""Cuts a stream of variable-length sample blocks into fixed-length frames."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from voicelive_desktop.audio.samples import FloatArray


class FrameAssembler:
    """Collects samples in one preallocated buffer and hands each full frame to a callback.

    The frame passed to `on_frame` is that buffer itself, valid only during the call: the
    capture callback turns it into wire bytes at once, so no block allocates a frame copy.
    """

    def __init__(self, frame_samples: int) -> None:
        if frame_samples <= 0:
            raise ValueError(f"frame length must be positive, got {frame_samples}")
        self.frame_samples = frame_samples
        self._buffer: FloatArray = np.zeros(frame_samples, dtype=np.float32)
        self._filled = 0

    def push(self, samples: FloatArray, on_frame: Callable[[FloatArray], None]) -> None:
        """Add samples; calls `on_frame` with each frame they complete, oldest first."""
        position = 0
        while position < samples.size:
            take = min(self.frame_samples - self._filled, samples.size - position)
            self._buffer[self._filled : self._filled + take] = samples[position : position + take]
            self._filled += take
            position += take
            if self._filled == self.frame_samples:
                self._filled = 0
                on_frame(self._buffer)

    def reset(self) -> None:
        """Drop a partly filled frame."""
        self._filled = 0
