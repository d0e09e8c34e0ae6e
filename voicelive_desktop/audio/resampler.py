"""Streaming sample-rate conversion that carries filter state from one block to the next."""

from __future__ import annotations

import soxr

from voicelive_desktop.audio.samples import FloatArray


class StreamingResampler:
    """Converts a stream of mono float32 blocks from `in_rate` to `out_rate`.

    Resampling each block on its own (the seed's FFT method) leaves an artefact at every block
    edge; a soxr stream keeps its filter history, so the output is one continuous signal.
    Equal rates pass through untouched.
    """

    def __init__(self, in_rate: int, out_rate: int, quality: str = "HQ") -> None:
        if in_rate <= 0 or out_rate <= 0:
            raise ValueError(f"sample rates must be positive, got {in_rate} -> {out_rate}")
        self.in_rate = in_rate
        self.out_rate = out_rate
        self._stream = (
            None
            if in_rate == out_rate
            else soxr.ResampleStream(in_rate, out_rate, 1, dtype="float32", quality=quality)
        )

    def process(self, block: FloatArray, last: bool = False) -> FloatArray:
        """Resample the next block; `last=True` also drains the filter's tail.

        A 1-D block gives 1-D output. A (frames, 1) column gives a column, and is the faster
        layout: soxr works on columns and squeezes a 1-D result at a cost comparable to the
        filtering of a 20 ms block.
        """
        if self._stream is None:
            return block
        out: FloatArray = self._stream.resample_chunk(block, last=last)
        return out

    def reset(self) -> None:
        """Forget the history, for a new stream that does not continue the previous one."""
        if self._stream is not None:
            self._stream.clear()
