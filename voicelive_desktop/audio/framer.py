"""Cuts a stream of variable-length sample blocks into fixed-length frames."""

from __future__ import annotations

import numpy as np

from voicelive_desktop.audio.samples import FloatArray


class FrameAssembler:
    """Collects samples in a preallocated buffer and returns each full frame as it completes."""

    def __init__(self, frame_samples: int) -> None:
        if frame_samples <= 0:
            raise ValueError(f"frame length must be positive, got {frame_samples}")
        self.frame_samples = frame_samples
        self._buffer: FloatArray = np.zeros(frame_samples, dtype=np.float32)
        self._filled = 0

    def push(self, samples: FloatArray) -> list[FloatArray]:
        """Add samples; returns the frames completed by them (copies, oldest first)."""
        frames: list[FloatArray] = []
        position = 0
        while position < samples.size:
            take = min(self.frame_samples - self._filled, samples.size - position)
            self._buffer[self._filled : self._filled + take] = samples[position : position + take]
            self._filled += take
            position += take
            if self._filled == self.frame_samples:
                frames.append(self._buffer.copy())
                self._filled = 0
        return frames

    def reset(self) -> None:
        """Drop a partly filled frame."""
        self._filled = 0
