"""HandoverBatch: silence waits for company, speech and what follows it go at once."""

from __future__ import annotations

import numpy as np

from voicelive_desktop.audio.handover_batch import (
    PROMPT_AFTER_SPEECH_S,
    QUIET_BATCH,
    HandoverBatch,
)
from voicelive_desktop.audio.levels import LEVEL_FLOOR_DBFS

_N = 960  # 40 ms at 24 kHz
_STEP_S = 0.04


def _noise(dbfs: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(_N) * 32768 * 10 ** (dbfs / 20)).astype(np.float32)


def _feed(batch: HandoverBatch, frames: list[np.ndarray]) -> list[tuple[int, bytes]]:
    """Hand the frames over 40 ms apart; the (index of the frame that released it, bytes)
    of every batch that went."""
    sent = []
    for index, frame in enumerate(frames):
        if batch.add(frame.copy(), index * _STEP_S, index * _STEP_S):
            pcm16, _, captured_at = batch.take()
            assert captured_at == (index - len(pcm16) // (2 * _N) + 1) * _STEP_S
            sent.append((index, pcm16))
    return sent


def test_silence_goes_in_batches_and_keeps_every_sample() -> None:
    batch = HandoverBatch(_N)
    frames = [_noise(-60, seed) for seed in range(3 * QUIET_BATCH)]
    sent = _feed(batch, frames)
    assert [len(pcm16) for _, pcm16 in sent] == [QUIET_BATCH * _N * 2] * 3
    joined = np.frombuffer(b"".join(p for _, p in sent), dtype=np.int16)
    expected = np.clip(np.rint(np.concatenate(frames)), -32768, 32767).astype(np.int16)
    assert np.array_equal(joined, expected)


def test_speech_goes_at_once_with_what_was_pending() -> None:
    batch = HandoverBatch(_N)
    quiet = [_noise(-60, seed) for seed in range(4)]
    speech = _noise(-25, 99)
    sent = _feed(batch, [*quiet, speech])
    # 3 quiet frames went as a batch; the 4th waited and went along with the speech frame.
    assert [(index, len(p) // (2 * _N)) for index, p in sent] == [(2, 3), (4, 2)]


def test_frames_after_speech_go_one_by_one_until_the_hangover_ends() -> None:
    batch = HandoverBatch(_N)
    after = int(PROMPT_AFTER_SPEECH_S / _STEP_S)
    frames = [_noise(-60, 1), _noise(-20, 2)] + [_noise(-60, s) for s in range(after + 6)]
    sent = _feed(batch, frames)
    sizes = [len(p) // (2 * _N) for _, p in sent]
    # the first quiet frame waits, then goes with the speech; then single frames for the
    # hang-over; then batches again
    assert sizes[0] == 2
    assert sizes[1:after] == [1] * (after - 1)
    assert sizes[-1] == QUIET_BATCH


def test_digital_silence_then_faint_speech_counts_as_speech() -> None:
    batch = HandoverBatch(_N)
    sent = _feed(batch, [np.zeros(_N, np.float32), _noise(-55, 3)])
    assert [index for index, _ in sent] == [1]


def test_a_loud_steady_room_is_learnt_as_the_floor() -> None:
    batch = HandoverBatch(_N)
    # A constant -40 dBFS hum is not speech: after the first frame it is the floor.
    sent = _feed(batch, [_noise(-40, seed) for seed in range(2 * QUIET_BATCH)])
    assert [len(p) // (2 * _N) for _, p in sent] == [QUIET_BATCH, QUIET_BATCH]


def test_the_level_covers_the_whole_batch() -> None:
    batch = HandoverBatch(_N)
    frames = [np.zeros(_N, np.float32), np.zeros(_N, np.float32)]
    frames[1][10] = 3276.8  # one -20 dBFS sample
    for index, frame in enumerate(frames):
        batch.add(frame, index * _STEP_S, index * _STEP_S)
    _, level, captured_at = batch.take()
    assert captured_at == 0.0
    assert abs(level.peak_dbfs - -20.0) < 0.01
    assert level.rms_dbfs < -50
    batch.add(np.zeros(_N, np.float32), 1.0, 1.0)
    assert batch.take()[1].peak_dbfs == LEVEL_FLOOR_DBFS
