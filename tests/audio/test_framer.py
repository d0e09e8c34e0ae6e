"""Fixed 20 ms frames out of blocks of any length."""

from __future__ import annotations

import numpy as np

from voicelive_desktop.audio.framer import FrameAssembler


def test_frames_are_fixed_length_and_lose_nothing() -> None:
    framer = FrameAssembler(480)
    signal = np.arange(5_000, dtype=np.float32)
    frames = []
    for start, stop in [(0, 7), (7, 900), (900, 901), (901, 3_333), (3_333, 5_000)]:
        frames.extend(framer.push(signal[start:stop]))
    assert [frame.size for frame in frames] == [480] * 10
    np.testing.assert_array_equal(np.concatenate(frames), signal[:4_800])
    rest = framer.push(np.arange(5_000, 5_280, dtype=np.float32))
    np.testing.assert_array_equal(rest[0], np.arange(4_800, 5_280, dtype=np.float32))


def test_frames_are_copies() -> None:
    framer = FrameAssembler(4)
    first = framer.push(np.ones(4, dtype=np.float32))[0]
    framer.push(np.zeros(4, dtype=np.float32))
    assert first.tolist() == [1, 1, 1, 1]
