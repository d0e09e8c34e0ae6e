"""Jitter buffer: pre-roll, flush, underruns and played time per response item."""

from __future__ import annotations

import numpy as np

from voicelive_desktop.audio.jitter_buffer import JitterBuffer

RATE = 1_000  # one sample per millisecond keeps the arithmetic readable
PREROLL_S = 0.030


class FakeClock:
    """A clock the test moves by hand (time is an input here, not a measurement)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _pull(buffer: JitterBuffer, samples: int) -> np.ndarray:
    out = np.full(samples, 9.0, dtype=np.float32)
    buffer.pull(out)
    return out


def _ones(count: int) -> np.ndarray:
    return np.ones(count, dtype=np.float32)


def _buffer(clock: FakeClock) -> JitterBuffer:
    return JitterBuffer(RATE, preroll_ms=30, fade_ms=4, max_preroll_ms=60, clock=clock)


def test_playback_waits_the_preroll_after_audio_arrives() -> None:
    clock = FakeClock()
    buffer = _buffer(clock)
    buffer.push("a", _ones(200))
    clock.now = 0.029
    assert not _pull(buffer, 10).any()
    assert buffer.played_ms("a") == 0
    clock.now = PREROLL_S
    assert _pull(buffer, 10).tolist() == [1.0] * 10
    assert buffer.played_ms("a") == 10


def test_a_short_reply_plays_whole_then_silence() -> None:
    clock = FakeClock()
    buffer = _buffer(clock)
    buffer.push("a", _ones(5))
    clock.now = PREROLL_S
    assert _pull(buffer, 10).tolist() == [1.0] * 5 + [0.0] * 5
    assert not buffer.is_playing()


def test_samples_come_out_in_order_across_chunks_and_items() -> None:
    clock = FakeClock()
    buffer = _buffer(clock)
    buffer.push("a", np.arange(1, 21, dtype=np.float32))
    buffer.push("b", np.arange(21, 41, dtype=np.float32))
    clock.now = PREROLL_S
    out = np.concatenate([_pull(buffer, 15) for _ in range(3)])
    assert out.tolist() == list(range(1, 41)) + [0.0] * 5
    assert buffer.played_ms("a") == 20
    assert buffer.played_ms("b") == 20
    assert buffer.played_ms("unknown") == 0


def test_flush_silences_the_next_block_after_a_short_fade() -> None:
    clock = FakeClock()
    buffer = _buffer(clock)
    buffer.push("a", _ones(100))
    clock.now = PREROLL_S
    _pull(buffer, 40)
    assert buffer.is_playing()
    buffer.flush()
    assert not buffer.is_playing()
    out = _pull(buffer, 20)
    fade = out[:4]
    assert fade[0] == 1.0 and fade[-1] == 0.0 and np.all(np.diff(fade) < 0)
    assert not out[4:].any()
    assert not _pull(buffer, 20).any()
    assert buffer.played_ms("a") == 40


def test_running_dry_inside_an_item_is_an_underrun_and_a_new_item_is_not() -> None:
    clock = FakeClock()
    buffer = _buffer(clock)
    buffer.push("a", _ones(40))
    clock.now = PREROLL_S
    _pull(buffer, 50)  # drained with the device still asking
    buffer.push("a", _ones(40))
    assert buffer.underruns == 1
    clock.now = 1.0
    _pull(buffer, 50)
    buffer.push("b", _ones(40))
    assert buffer.underruns == 1


def test_an_exactly_drained_buffer_refilled_in_time_is_no_underrun() -> None:
    clock = FakeClock()
    buffer = _buffer(clock)
    buffer.push("a", _ones(40))
    clock.now = PREROLL_S
    _pull(buffer, 40)
    buffer.push("a", _ones(40))
    assert _pull(buffer, 10).tolist() == [1.0] * 10
    assert buffer.underruns == 0


def test_an_underrun_rearms_a_longer_preroll_up_to_its_limit() -> None:
    clock = FakeClock()
    buffer = _buffer(clock)
    for underrun in (1, 2, 3):
        buffer.push("a", _ones(40))
        start = clock.now
        clock.now = start + buffer.preroll_ms / 1000 - 0.001
        assert not _pull(buffer, 10).any(), "still in pre-roll"
        clock.now = start + buffer.preroll_ms / 1000
        _pull(buffer, 50)  # plays 40, then runs dry
        assert buffer.underruns == underrun - 1
    assert buffer.preroll_ms == 60  # 30, 45, 60: capped at max_preroll_ms
    buffer.push("a", _ones(10))
    assert buffer.underruns == 3


def test_played_time_leaves_out_what_is_still_in_the_device_buffer() -> None:
    clock = FakeClock()
    buffer = _buffer(clock)
    buffer.push("a", _ones(100))
    clock.now = PREROLL_S
    _pull(buffer, 40)
    assert buffer.played_ms("a", device_latency_s=0.020) == 20
    clock.now = PREROLL_S + 0.010
    assert buffer.played_ms("a", device_latency_s=0.020) == 30
    clock.now = PREROLL_S + 0.050
    assert buffer.played_ms("a", device_latency_s=0.020) == 40
    assert buffer.played_ms("a") == 40
