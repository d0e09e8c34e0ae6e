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


def _underrun(buffer: JitterBuffer, clock: FakeClock) -> None:
    """Play 40 ms of item "a" after the pre-roll, run dry, and have more of it arrive."""
    buffer.push("a", _ones(40))
    clock.now += buffer.preroll_ms / 1000 + 0.001
    _pull(buffer, 50)


def test_a_lengthened_preroll_shrinks_back_once_playback_is_healthy() -> None:
    clock = FakeClock()
    buffer = JitterBuffer(RATE, preroll_ms=30, max_preroll_ms=60, recovery_s=1.0, clock=clock)
    for _ in range(3):
        _underrun(buffer, clock)
    buffer.push("a", _ones(5000))
    assert buffer.underruns == 3
    assert buffer.preroll_ms == 60
    clock.now += 0.061
    _pull(buffer, 999)
    assert buffer.preroll_ms == 60, "not yet a second of healthy playback"
    _pull(buffer, 1)
    assert buffer.preroll_ms == 45
    _pull(buffer, 1000)
    assert buffer.preroll_ms == 30
    _pull(buffer, 2000)
    assert buffer.preroll_ms == 30, "never below the base pre-roll"


def test_an_underrun_restarts_the_healthy_count() -> None:
    clock = FakeClock()
    buffer = JitterBuffer(RATE, preroll_ms=30, max_preroll_ms=60, recovery_s=1.0, clock=clock)
    _underrun(buffer, clock)  # 30 -> 45
    buffer.push("a", _ones(900))
    clock.now += 0.046
    _pull(buffer, 950)  # 900 healthy, then dry again
    _underrun(buffer, clock)  # 45 -> 60; the 900 healthy samples no longer count
    assert buffer.preroll_ms == 60
    buffer.push("a", _ones(2000))
    clock.now += 0.061
    _pull(buffer, 999)
    assert buffer.preroll_ms == 60


def test_the_preroll_of_every_reply_stays_flat_over_many_turns_with_rare_underruns() -> None:
    """The issue's growth: one underrun per turn used to add a step for good."""
    clock = FakeClock()
    buffer = JitterBuffer(RATE, preroll_ms=30, max_preroll_ms=60, recovery_s=1.0, clock=clock)
    prerolls = []
    for turn in range(10):
        item = f"reply-{turn}"
        buffer.push(item, _ones(40))
        prerolls.append(buffer.preroll_ms)
        clock.now += buffer.preroll_ms / 1000 + 0.001
        _pull(buffer, 50)  # one underrun early in the reply
        buffer.push(item, _ones(3000))
        clock.now += buffer.preroll_ms / 1000 + 0.001
        for _ in range(31):
            _pull(buffer, 100)
    assert buffer.underruns == 10
    assert prerolls == [30] * 10


def test_idle_only_when_a_pull_would_change_nothing() -> None:
    clock = FakeClock()
    buffer = _buffer(clock)
    assert buffer.idle
    buffer.push("a", _ones(40))
    assert not buffer.idle  # waiting out the pre-roll
    clock.now = PREROLL_S
    _pull(buffer, 40)
    assert not buffer.idle  # drained exactly: the next pull decides whether it starved
    _pull(buffer, 10)
    assert buffer.idle
    buffer.push("b", _ones(40))
    clock.now += PREROLL_S + 0.001
    _pull(buffer, 10)
    buffer.flush()
    assert not buffer.idle  # the fade is still to be played
    _pull(buffer, 10)
    assert buffer.idle
