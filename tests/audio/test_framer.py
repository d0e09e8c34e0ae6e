"""Fixed-length frames out of blocks of any length."""

from __future__ import annotations

import numpy as np

from voicelive_desktop.audio.framer import FrameAssembler
from voicelive_desktop.audio.samples import FloatArray


def test_frames_are_fixed_length_and_lose_nothing() -> None:
    framer = FrameAssembler(480)
    signal = np.arange(5_000, dtype=np.float32)
    frames: list[FloatArray] = []

    def keep(frame: FloatArray) -> None:
        frames.append(frame.copy())

    for start, stop in [(0, 7), (7, 900), (900, 901), (901, 3_333), (3_333, 5_000)]:
        framer.push(signal[start:stop], keep)
    assert [frame.size for frame in frames] == [480] * 10
    np.testing.assert_array_equal(np.concatenate(frames), signal[:4_800])
    framer.push(np.arange(5_000, 5_280, dtype=np.float32), keep)
    np.testing.assert_array_equal(frames[-1], np.arange(4_800, 5_280, dtype=np.float32))


def test_frames_reuse_one_buffer_and_reset_drops_a_partial_frame() -> None:
    framer = FrameAssembler(4)
    seen: list[FloatArray] = []
    framer.push(np.ones(4, dtype=np.float32), seen.append)
    framer.push(np.zeros(2, dtype=np.float32), seen.append)
    framer.reset()
    framer.push(np.full(4, 2.0, dtype=np.float32), seen.append)
    assert len(seen) == 2 and seen[0] is seen[1]  # no allocation per frame
    assert seen[1].tolist() == [2, 2, 2, 2]
