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
    recorder.add_assistant("i1", tone(700, FRAME * 3 // 2))  # a frame and a half of assistant
    for value in (100, 200, 300):
        recorder.release_played(None)  # no speaker to ask: all of it counts as played
        recorder.add_mic(tone(value))
    recorder.stop()
    frames, params = read(tmp_path / "c.wav")
    assert (params.nchannels, params.sampwidth, params.framerate) == (2, 2, 24_000)
    assert frames.shape == (3 * FRAME, 2)
    assert list(frames[::FRAME, 0]) == [100, 200, 300]
    right = frames[:, 1]
    assert (right[: FRAME * 3 // 2] == 700).all() and (right[FRAME * 3 // 2 :] == 0).all()
    assert recorder.duration_s == pytest.approx(0.06)


class Speaker:
    """Played milliseconds per item, as the speaker would report them."""

    def __init__(self) -> None:
        self.played: dict[str, int] = {}

    def played_ms(self, item_id: str) -> int:
        return self.played.get(item_id, 0)


def test_the_assistant_enters_the_recording_as_the_speaker_plays_it(tmp_path: Path) -> None:
    recorder = ConversationRecorder(tmp_path / "c.wav")
    speaker = Speaker()
    recorder.add_assistant("i1", tone(700, FRAME * 2))  # 40 ms arrive at once
    recorder.add_assistant("i2", tone(800, FRAME))
    recorder.release_played(speaker.played_ms)  # the pre-roll: nothing played yet
    recorder.add_mic(tone(1))
    speaker.played["i1"] = 20
    recorder.release_played(speaker.played_ms)
    recorder.add_mic(tone(2))
    speaker.played["i1"] = 39  # rounding: the speaker reports a millisecond short
    recorder.release_played(speaker.played_ms)
    recorder.add_mic(tone(3))
    speaker.played["i2"] = 20
    recorder.release_played(speaker.played_ms)
    recorder.add_mic(tone(4))
    recorder.stop()
    right = read(tmp_path / "c.wav")[0][:, 1]
    assert (right[:FRAME] == 0).all()  # silence while the speaker had not started
    assert (right[FRAME : 2 * FRAME] == 700).all()
    assert (right[2 * FRAME : 3 * FRAME - 24] == 700).all()
    assert (right[3 * FRAME - 24 : 3 * FRAME] == 0).all()  # i1's last ms: not reported yet
    # Once i2 plays, the rest of i1 counts as heard and comes first, then i2.
    assert (right[3 * FRAME : 3 * FRAME + 24] == 700).all()
    assert (right[3 * FRAME + 24 : 4 * FRAME] == 800).all()


def test_a_barge_in_keeps_unplayed_assistant_audio_out_of_the_file(tmp_path: Path) -> None:
    recorder = ConversationRecorder(tmp_path / "c.wav")
    speaker = Speaker()
    recorder.add_assistant("i1", tone(900, FRAME * 10))
    speaker.played["i1"] = 20
    recorder.release_played(speaker.played_ms)
    recorder.add_mic(tone(1))
    recorder.flush_assistant()  # the speaker was flushed: the rest was never heard
    speaker.played["i1"] = 200
    recorder.release_played(speaker.played_ms)
    recorder.add_mic(tone(1))
    recorder.stop()
    frames, _ = read(tmp_path / "c.wav")
    assert (frames[:FRAME, 1] == 900).all() and (frames[FRAME:, 1] == 0).all()


def test_audio_the_speaker_never_plays_is_bounded_and_never_recorded(tmp_path: Path) -> None:
    recorder = ConversationRecorder(tmp_path / "c.wav")
    for index in range(400):  # 400 items of 1 s: more than the 120 s kept
        recorder.add_assistant(f"i{index}", tone(5, 24_000))
    assert recorder._unplayed_bytes <= 121 * 48_000
    recorder.release_played(lambda item_id: 0)  # the speaker is gone: nothing plays
    recorder.add_mic(tone(1))
    recorder.stop()
    assert (read(tmp_path / "c.wav")[0][:, 1] == 0).all()


def test_stopping_twice_and_feeding_after_stop_change_nothing(tmp_path: Path) -> None:
    recorder = ConversationRecorder(tmp_path / "c.wav")
    recorder.add_mic(tone(5))
    recorder.stop()
    recorder.stop()
    recorder.add_mic(tone(5))
    recorder.add_assistant("i1", tone(5))
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
