"""The conversation recorder's files: 24 kHz PCM16 WAV or FLAC, stereo (mic left, assistant
right) or two mono tracks, the assistant laid against the mic's time line and cut where the
speaker was flushed; and how a conversation's takes are listed, saved and deleted."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import soundfile

from voicelive_desktop.recording import (
    ALL_FORMATS,
    AudioContainer,
    ConversationRecorder,
    RecordingFormat,
    TrackLayout,
    delete_recordings,
    new_take,
    recording_paths,
    recording_takes,
    save_recordings,
)

FRAME = 480  # 20 ms at 24 kHz


def tone(value: int, samples: int = FRAME) -> bytes:
    return np.full(samples, value, dtype="<i2").tobytes()


def read(path: Path) -> tuple[np.ndarray, SimpleNamespace]:
    info = soundfile.info(str(path))
    frames, _ = soundfile.read(str(path), dtype="int16", always_2d=True)
    params = SimpleNamespace(
        nchannels=info.channels,
        sampwidth=2 if info.subtype == "PCM_16" else 0,
        framerate=info.samplerate,
        format=info.format,
    )
    return frames, params


def test_mic_is_left_and_the_assistant_right_on_the_mics_time_line(tmp_path: Path) -> None:
    recorder = ConversationRecorder(tmp_path / "c")
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
    recorder = ConversationRecorder(tmp_path / "c")
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
    recorder = ConversationRecorder(tmp_path / "c")
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
    recorder = ConversationRecorder(tmp_path / "c")
    for index in range(400):  # 400 items of 1 s: more than the 120 s kept
        recorder.add_assistant(f"i{index}", tone(5, 24_000))
    assert recorder._unplayed_bytes <= 121 * 48_000
    recorder.release_played(lambda item_id: 0)  # the speaker is gone: nothing plays
    recorder.add_mic(tone(1))
    recorder.stop()
    assert (read(tmp_path / "c.wav")[0][:, 1] == 0).all()


def test_stopping_twice_and_feeding_after_stop_change_nothing(tmp_path: Path) -> None:
    recorder = ConversationRecorder(tmp_path / "c")
    recorder.add_mic(tone(5))
    recorder.stop()
    recorder.stop()
    recorder.add_mic(tone(5))
    recorder.add_assistant("i1", tone(5))
    assert read(tmp_path / "c.wav")[0].shape == (FRAME, 2)


@pytest.mark.parametrize("audio_format", ALL_FORMATS, ids=lambda f: f.label)
def test_each_format_holds_the_same_audio_in_its_files(
    tmp_path: Path, audio_format: RecordingFormat
) -> None:
    recorder = ConversationRecorder(tmp_path / "c", audio_format)
    assert [p.name for p in recorder.paths] == [p.name for p in audio_format.files(tmp_path / "c")]
    rng = np.random.default_rng(7)
    mic = rng.integers(-20_000, 20_000, FRAME * 50, dtype=np.int16)  # a second of noise
    assistant = rng.integers(-20_000, 20_000, FRAME * 50, dtype=np.int16)
    recorder.add_assistant("i1", assistant.tobytes())
    for at in range(0, mic.size, FRAME):
        recorder.release_played(None)
        recorder.add_mic(mic[at : at + FRAME].tobytes())
    recorder.stop()
    tracks = []
    for path in recorder.paths:
        frames, params = read(path)
        assert params.format == audio_format.container.name
        assert (params.sampwidth, params.framerate) == (2, 24_000)
        assert params.nchannels == (2 if audio_format.layout is TrackLayout.STEREO else 1)
        tracks += [frames[:, c] for c in range(params.nchannels)]
    assert len(tracks) == 2
    # Lossless either way: sample for sample what was captured and what was played.
    assert np.array_equal(tracks[0], mic) and np.array_equal(tracks[1], assistant)
    if audio_format.container is AudioContainer.FLAC:
        assert sum(p.stat().st_size for p in recorder.paths) < mic.nbytes * 2 + 1000


@pytest.mark.allow_log_warnings("No space left on device")
def test_a_write_that_fails_stops_the_recording(tmp_path: Path) -> None:
    recorder = ConversationRecorder(tmp_path / "c", RecordingFormat(AudioContainer.FLAC))
    writer = recorder._file
    assert writer is not None

    def disk_full(_frames: object) -> None:
        raise OSError(28, "No space left on device")

    writer._files[0].write = disk_full  # type: ignore[method-assign]
    recorder.add_mic(tone(5))  # queued: the writer's thread meets the full disk
    for _ in range(200):
        if writer.error:
            break
        time.sleep(0.01)
    assert writer.error is not None and "No space left" in writer.error
    recorder.add_mic(tone(5))  # the recorder sees it on the next frame and stops
    assert not recorder.recording
    recorder.stop()  # and stopping again is harmless


def test_a_recording_that_cannot_be_created_says_why(tmp_path: Path) -> None:
    (tmp_path / "c.flac").mkdir()  # a folder where the file should go
    with pytest.raises(OSError):
        ConversationRecorder(tmp_path / "c", RecordingFormat(AudioContainer.FLAC))


def test_takes_are_named_listed_saved_and_deleted_by_conversation(tmp_path: Path) -> None:
    folder = tmp_path / "recordings"
    moment = datetime(2026, 11, 30, 21, 0, 0)
    two_track = RecordingFormat(AudioContainer.FLAC, TrackLayout.TWO_TRACK)
    first = new_take(folder, "abc123", moment)
    stereo = ConversationRecorder(first)  # WAV, stereo
    stereo.add_mic(tone(3))
    stereo.stop()
    second = new_take(folder, "abc123", moment)  # same second: a new name
    assert second != first
    recorder = ConversationRecorder(second, two_track)
    recorder.add_assistant("i1", tone(9))
    recorder.release_played(None)
    recorder.add_mic(tone(4))
    recorder.stop()
    other = new_take(folder, "zzz", moment)
    ConversationRecorder(other).stop()

    takes = recording_takes(folder, "abc123")
    assert [t.audio_format for t in takes] == [RecordingFormat(), two_track]
    assert [p.name for t in takes for p in t.files] == [
        "abc123-20261130-210000.wav",
        "abc123-20261130-210000-2-mic.flac",
        "abc123-20261130-210000-2-assistant.flac",
    ]
    # Saved one after another in any format, whatever each take was recorded in.
    for save_as in ALL_FORMATS:
        saved = save_recordings(takes, tmp_path / f"all-{save_as.label}.wav", save_as)
        assert saved == list(save_as.files(tmp_path / f"all-{save_as.label}"))
        columns = [read(p)[0] for p in saved]
        both = np.hstack(columns) if len(columns) == 2 else columns[0]
        assert both.shape == (2 * FRAME, 2)
        assert list(both[[0, FRAME], 0]) == [3, 4] and list(both[[0, FRAME], 1]) == [0, 9]
    with pytest.raises(FileNotFoundError):
        save_recordings([], tmp_path / "none.wav", RecordingFormat())

    assert delete_recordings(folder, "abc123") == 3
    assert recording_paths(folder, "abc123") == [] and other.with_suffix(".wav").exists()
    with pytest.raises(ValueError):
        new_take(folder, "../escape", moment)
    assert recording_paths(folder, "../escape") == []
