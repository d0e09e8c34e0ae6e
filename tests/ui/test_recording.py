"""Recording a spoken conversation on the virtual sound system: off by default, a visible
indicator, a stereo or two-track WAV or FLAC recording kept with the conversation, Save
audio, and deletion with it."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import wave
from pathlib import Path

import numpy as np
import pytest
import soundfile
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot
from scipy import signal

from tests.fixtures.virtual_audio import VirtualAudio
from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.events import (
    AssistantAudioReceived,
    ResponseFinished,
    UserTranscriptCompleted,
)
from voicelive_desktop.engine.session_settings import EchoCancellationMode
from voicelive_desktop.history import HistoryStore, default_history_path
from voicelive_desktop.recording import (
    AudioContainer,
    RecordingFormat,
    TrackLayout,
    recording_paths,
    recording_takes,
    recordings_dir,
)
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.sessions import voice_session_factory
from voicelive_desktop.voice_session import VoiceSession


def channels(files: list[Path], audio_format: RecordingFormat) -> tuple[np.ndarray, np.ndarray]:
    """The mic and the assistant of a recording's files, checked to be `audio_format`."""
    expected = audio_format.files(files[0].parent / "x")
    assert [p.suffix for p in files] == [p.suffix for p in expected]
    tracks = []
    for path in files:
        info = soundfile.info(str(path))
        assert (info.format, info.subtype, info.samplerate) == (
            audio_format.container.name,
            "PCM_16",
            24_000,
        )
        assert info.channels == (2 if len(files) == 1 else 1)
        frames, _ = soundfile.read(str(path), dtype="int16", always_2d=True)
        tracks += [frames[:, c].astype(np.float32) for c in range(info.channels)]
    mic, assistant = tracks
    assert mic.size == assistant.size
    return mic, assistant


def loud_ms(samples: np.ndarray) -> int:
    """Milliseconds of 10 ms blocks louder than -40 dBFS."""
    blocks = samples[: samples.size // 240 * 240].reshape(-1, 240)
    rms = np.sqrt((blocks**2).mean(axis=1))
    return int((rms > 327).sum()) * 10


def wav_at_24k(path: Path) -> np.ndarray:
    """A mono PCM16 WAV (espeak-ng writes 22.05 kHz) resampled to the recording's rate."""
    with wave.open(str(path), "rb") as file:
        rate = file.getframerate()
        samples = np.frombuffer(file.readframes(file.getnframes()), dtype="<i2")
    up, down = 24_000, rate
    divisor = np.gcd(up, down)
    return signal.resample_poly(samples.astype(np.float64), up // divisor, down // divisor)


def find_in(recorded: np.ndarray, source: np.ndarray) -> tuple[float, float]:
    """Where `source` best lines up in `recorded` (seconds from its start), and how well:
    the normalized correlation at that lag (1.0: the same waveform, up to gain)."""
    assert recorded.size >= source.size, "the recording is shorter than what it should hold"
    recorded = recorded.astype(np.float64)
    correlation = signal.correlate(recorded, source, mode="valid", method="fft")
    lag = int(np.argmax(correlation))
    segment = recorded[lag : lag + source.size]
    norm = float(np.sqrt(np.dot(segment, segment) * np.dot(source, source))) or 1.0
    return lag / 24_000, float(correlation[lag]) / norm


@pytest.mark.audio
@pytest.mark.asyncio
@pytest.mark.parametrize(
    "audio_format",
    [RecordingFormat(), RecordingFormat(AudioContainer.FLAC, TrackLayout.TWO_TRACK)],
    ids=["wav-stereo", "flac-two-track"],
)
async def test_a_recording_holds_the_mic_left_and_the_assistant_right(
    qtbot: QtBot,
    isolated_env: Path,
    virtual_audio: VirtualAudio,
    simulator: VoiceLiveSimulator,
    tmp_path: Path,
    audio_format: RecordingFormat,
) -> None:
    app = AppUnderTest(qtbot, isolated_env, voice_session_factory())
    settings = app.controller.settings
    audio = dataclasses.replace(
        settings.audio,
        recording_container=audio_format.container,
        recording_layout=audio_format.layout,
    )
    app.controller.apply_preferences(dataclasses.replace(settings, audio=audio), "")
    indicator = app.window.recording
    control = app.controller.instruments.recording
    assert not indicator.armed and not indicator.rec_label.isVisible()  # off by default
    await app.connect_to(simulator)
    assert isinstance(app.controller.adapter.session, VoiceSession)
    assert control.recorder is None
    # The default echo mode: the wire frame is stereo (mic, playback reference), and the
    # recording must still hold only the mic on the left.
    assert app.controller.adapter.session.echo_mode is (
        EchoCancellationMode.SERVICE_WITH_CLIENT_REFERENCE
    )
    stage = app.controller.adapter.session.capture.echo_stage
    assert stage is not None and stage.channels == 2

    indicator.record_action.trigger()
    recording_started = time.monotonic()
    assert control.recorder is not None
    assert indicator.rec_label.isVisible() and indicator.rec_label.text().startswith("● REC")
    assert indicator.button.text() == "Stop recording"
    speech = virtual_audio.speech_wav("Please tell me about the weather tomorrow.")
    spoken_at = time.monotonic() - recording_started
    await asyncio.to_thread(virtual_audio.play_into_mic, speech)
    await wait_until(lambda: app.count(UserTranscriptCompleted) >= 1, 20, "the user turn")
    await wait_until(lambda: app.count(ResponseFinished) >= 1, 30, "the spoken reply")
    session = app.controller.adapter.session
    await wait_until(lambda: not session.playback.is_playing(), 30, "the reply to be played")
    await asyncio.sleep(0.3)
    indicator.button.click()  # stop
    recorded_s = time.monotonic() - recording_started
    assert control.recorder is None and not indicator.rec_label.isVisible()

    conversation_id = app.controller.history.conversation_id  # type: ignore[union-attr]
    folder = recordings_dir(default_history_path())
    (take,) = recording_takes(folder, conversation_id)
    assert take.audio_format == audio_format
    files = list(take.files)
    assert recording_paths(folder, conversation_id) == sorted(files)
    mic, assistant = channels(files, audio_format)
    # The file lasts as long as the recording ran (a frame of the mic per frame of time).
    assert abs(mic.size / 24_000 - recorded_s) < max(0.5, recorded_s * 0.05)
    # The left channel is what the user said, when they said it (the virtual mic's latency
    # and the capture's hand-over batching come to well under half a second).
    said_at, likeness = find_in(mic, wav_at_24k(speech))
    assert likeness > 0.8, f"the left channel is not the user's speech ({likeness:.2f})"
    assert spoken_at <= said_at < spoken_at + 0.5
    assert loud_ms(mic) > 1000  # the spoken question
    assert loud_ms(assistant) > 1000  # the spoken answer
    # All of the answer that was played is in the recording, once.
    sent = b"".join(e.pcm16 for e in app.events if isinstance(e, AssistantAudioReceived))
    answer_ms = loud_ms(np.frombuffer(sent, dtype="<i2").astype(np.float32))
    assert abs(loud_ms(assistant) - answer_ms) <= answer_ms // 10
    # The right channel is the assistant's audio, second by second (a late speaker report
    # can put a few ms of silence between the played pieces, so not the answer in one piece).
    answer = np.frombuffer(sent, dtype="<i2").astype(np.float64)
    pieces = [answer[at : at + 24_000] for at in range(0, answer.size - 24_000, 24_000)]
    found = [find_in(assistant, piece) for piece in pieces if loud_ms(piece) > 300]
    likeness = float(np.median([match for _, match in found]))
    assert likeness > 0.8, f"the right channel is not the assistant's audio ({likeness:.2f})"
    assert min(at for at, _ in found) > said_at
    # They take turns: the assistant speaks after the user's speech, not over it.
    first_mic = int(np.argmax(np.abs(mic) > 3000))
    first_assistant = int(np.argmax(np.abs(assistant) > 3000))
    assert first_assistant > first_mic

    assert indicator.save_action.isEnabled()
    # Save audio writes the format chosen in its dialog, whatever the recording's own.
    other = RecordingFormat(
        AudioContainer.WAV
        if audio_format.container is AudioContainer.FLAC
        else AudioContainer.FLAC,
        TrackLayout.STEREO
        if audio_format.layout is TrackLayout.TWO_TRACK
        else TrackLayout.TWO_TRACK,
    )
    for save_as in (audio_format, other):
        target = tmp_path / f"saved-{save_as.container.value}-{save_as.layout.value}.wav"
        control.save_audio(target, save_as)  # on a thread of its own
        assert not indicator.save_action.isEnabled()
        await wait_until(lambda: not control.saver.busy, 20, "the audio saved")
        assert indicator.save_action.isEnabled()
        saved = list(save_as.files(target.with_suffix("")))
        assert all(p.exists() for p in saved)
        saved_mic, saved_assistant = channels(saved, save_as)
        assert np.array_equal(saved_mic, mic) and np.array_equal(saved_assistant, assistant)

    await app.controller.shutdown()
    with HistoryStore(default_history_path()) as store:
        assert store.delete_conversation(conversation_id)
    assert recording_paths(folder, conversation_id) == []


def test_recording_controls_are_named_and_reachable_by_keyboard(
    app_under_test: AppUnderTest,
) -> None:
    indicator = app_under_test.window.recording
    assert indicator.button.accessibleName() == "Record conversation audio"
    assert indicator.rec_label.accessibleName() == "Recording conversation audio"
    assert indicator.button.focusPolicy() & indicator.button.focusPolicy().TabFocus
    assert indicator.record_action.shortcut().toString() == "Ctrl+Shift+R"
    assert app_under_test.window.copy_transcript_action.shortcut().toString() == "Ctrl+Shift+C"
    # Without a voice session, turning it on says when it will start.
    indicator.record_action.trigger()
    assert "voice session" in app_under_test.window.error_banner.message
    assert app_under_test.controller.instruments.recording.recorder is None


def test_copy_transcript_puts_the_conversation_on_the_clipboard(
    app_under_test: AppUnderTest,
) -> None:
    window = app_under_test.window
    window.transcript.show_event(UserTranscriptCompleted("u1", "What is the weather?"))
    window.copy_transcript_action.trigger()
    copied = QGuiApplication.clipboard().text()
    assert "You" in copied and "What is the weather?" in copied
