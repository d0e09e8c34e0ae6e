"""A resumed speaker stream keeps the reply's start through a late, underflowing start."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from voicelive_desktop.audio.playback import SpeakerPlayback

BLOCK = 240  # 10 ms at 24 kHz, the rate a never-opened playback queues at


def _call(playback: SpeakerPlayback, underflow: bool) -> np.ndarray:
    out = np.zeros((BLOCK, 1), dtype=np.float32)
    playback._callback(out, BLOCK, None, SimpleNamespace(output_underflow=underflow))
    return out[:, 0].copy()


def test_underflowing_first_callbacks_of_a_resumed_stream_get_silence_not_the_reply() -> None:
    playback = SpeakerPlayback(lambda level: None, lambda message: None, preroll_ms=0)
    playback._steady_callbacks = 10  # the rested stream had run steadily
    playback._settling = True  # as `_resume` leaves it with the fresh stream
    reply = np.linspace(0.1, 0.5, 4 * BLOCK, dtype=np.float32)
    playback._buffer.push("item_1", reply)

    late = [_call(playback, underflow=True) for _ in range(2)]
    assert all(not block.any() for block in late), "what ALSA drops must not be the reply"
    assert playback.device_underflows == 0, "a stream's start is not a glitch"

    heard = np.concatenate([_call(playback, underflow=False) for _ in range(4)])
    np.testing.assert_array_equal(heard, reply)  # from its first sample, whole

    _call(playback, underflow=True)  # once running, an underflow is one and is counted
    assert playback.device_underflows == 1
