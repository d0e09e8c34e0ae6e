"""Save audio runs off the GUI thread and reports back on it, saved or with the reason."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile
from pytestqt.qtbot import QtBot

from voicelive_desktop.recording import (
    AudioContainer,
    ConversationRecorder,
    RecordingFormat,
    recording_takes,
)
from voicelive_desktop.ui.audio_saver import AudioSaver


def test_saving_happens_off_the_gui_thread_and_reports_on_it(qtbot: QtBot, tmp_path: Path) -> None:
    recorder = ConversationRecorder(tmp_path / "c-20261201-000000")
    recorder.add_mic(np.full(24_000, 1000, dtype="<i2").tobytes())
    recorder.stop()
    takes = recording_takes(tmp_path, "c")
    saver = AudioSaver()
    writer_threads: list[str] = []
    real_run = saver._run

    def run(*args: object) -> None:
        writer_threads.append(threading.current_thread().name)
        real_run(*args)  # type: ignore[arg-type]

    saver._run = run  # type: ignore[method-assign]
    with qtbot.waitSignal(saver.finished, timeout=10_000) as outcome:
        saver.start(takes, tmp_path / "out.flac", RecordingFormat(AudioContainer.FLAC))
        assert saver.busy
    assert writer_threads == ["audio-save"]
    (saved,) = outcome.args[0]
    assert saved == tmp_path / "out.flac" and not saver.busy
    frames, rate = soundfile.read(str(saved), dtype="int16")
    assert rate == 24_000 and frames.shape == (24_000, 2) and (frames[:, 0] == 1000).all()


@pytest.mark.allow_log_warnings("audio not saved")
def test_a_save_that_fails_says_why_and_leaves_no_file(qtbot: QtBot, tmp_path: Path) -> None:
    recorder = ConversationRecorder(tmp_path / "c-20261201-000000")
    recorder.add_mic(bytes(960))
    recorder.stop()
    saver = AudioSaver()
    target = tmp_path / "missing-folder" / "out.wav"
    with qtbot.waitSignal(saver.failed, timeout=10_000) as outcome:
        saver.start(recording_takes(tmp_path, "c"), target, RecordingFormat())
    assert outcome.args[0] == (
        f"The audio could not be saved to {target}: No such file or directory"
    )
    assert not saver.busy and not target.parent.exists()
