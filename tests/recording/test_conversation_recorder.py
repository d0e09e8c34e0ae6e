"""The conversation recorder's file: stereo 24 kHz PCM16, mic left, assistant right, the
assistant laid against the mic's time line and cut where the speaker was flushed."""

from __future__ import annotations

import wave
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from voicelive_desktop.recording import (
    ConversationRecorder,
    delete_recordings,
    join_recordings,
    new_recording_path,
    recording_paths,
)

FRAME = 480  # 20 ms at 24 kHz


def tone(value: int, samples: int = FRAME) -> bytes:
    return np.full(samples, value, dtype="<i2").tobytes()


def read(path: Path) -> tuple[np.ndarray, wave._wave_params]:
    with wave.open(str(path), "rb") as file:
        params = file.getparams()
        frames = np.frombuffer(file.readframes(file.getnframes()), dtype="<i2")
    return frames.reshape(-1, params.nchannels), params


def test_mic_is_left_and_the_assistant_right_on_the_mics_time_line(tmp_path: Path) -> None:
    recorder = ConversationRecorder(tmp_path / "c.wav")
    recorder.add_assistant(tone(700, FRAME * 3 // 2))  # a frame and a half of assistant
    for value in (100, 200, 300):
        recorder.add_mic(tone(value))
    recorder.stop()
    frames, params = read(tmp_path / "c.wav")
    assert (params.nchannels, params.sampwidth, params.framerate) == (2, 2, 24_000)
    assert frames.shape == (3 * FRAME, 2)
    assert list(frames[::FRAME, 0]) == [100, 200, 300]
    right = frames[:, 1]
    assert (right[: FRAME * 3 // 2] == 700).all() and (right[FRAME * 3 // 2 :] == 0).all()
    assert recorder.duration_s == pytest.approx(0.06)


def test_a_barge_in_keeps_unplayed_assistant_audio_out_of_the_file(tmp_path: Path) -> None:
    recorder = ConversationRecorder(tmp_path / "c.wav")
    recorder.add_assistant(tone(900, FRAME * 10))
    recorder.add_mic(tone(1))
    recorder.flush_assistant()  # the speaker was flushed: the rest was never heard
    recorder.add_mic(tone(1))
    recorder.stop()
    frames, _ = read(tmp_path / "c.wav")
    assert (frames[:FRAME, 1] == 900).all() and (frames[FRAME:, 1] == 0).all()


def test_stopping_twice_and_feeding_after_stop_change_nothing(tmp_path: Path) -> None:
    recorder = ConversationRecorder(tmp_path / "c.wav")
    recorder.add_mic(tone(5))
    recorder.stop()
    recorder.stop()
    recorder.add_mic(tone(5))
    recorder.add_assistant(tone(5))
    assert read(tmp_path / "c.wav")[0].shape == (FRAME, 2)


def test_recordings_are_named_listed_joined_and_deleted_by_conversation(tmp_path: Path) -> None:
    folder = tmp_path / "recordings"
    moment = datetime(2026, 11, 30, 21, 0, 0)
    first = new_recording_path(folder, "abc123", moment)
    ConversationRecorder(first).stop()
    second = new_recording_path(folder, "abc123", moment)  # same second: a new name
    recorder = ConversationRecorder(second)
    recorder.add_mic(tone(3))
    recorder.stop()
    other = new_recording_path(folder, "zzz", moment)
    ConversationRecorder(other).stop()
    assert recording_paths(folder, "abc123") == sorted([first, second])
    joined = tmp_path / "all.wav"
    join_recordings([first, second], joined)
    assert read(joined)[0].shape == (FRAME, 2)
    assert delete_recordings(folder, "abc123") == 2
    assert recording_paths(folder, "abc123") == [] and other.exists()
    with pytest.raises(ValueError):
        new_recording_path(folder, "../escape", moment)
    assert recording_paths(folder, "../escape") == []
