"""Recording a spoken conversation on the virtual sound system: off by default, a visible
indicator, a stereo WAV kept with the conversation, Save audio, and deletion with it."""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.fixtures.virtual_audio import VirtualAudio
from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.events import (
    AssistantAudioReceived,
    ResponseFinished,
    UserTranscriptCompleted,
)
from voicelive_desktop.history import HistoryStore, default_history_path
from voicelive_desktop.recording import recording_paths, recordings_dir
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.sessions import voice_session_factory
from voicelive_desktop.voice_session import VoiceSession


def channels(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with wave.open(str(path), "rb") as file:
        assert (file.getnchannels(), file.getsampwidth(), file.getframerate()) == (2, 2, 24_000)
        frames = np.frombuffer(file.readframes(file.getnframes()), dtype="<i2").reshape(-1, 2)
    return frames[:, 0].astype(np.float32), frames[:, 1].astype(np.float32)


def loud_ms(signal: np.ndarray) -> int:
    """Milliseconds of 10 ms blocks louder than -40 dBFS."""
    blocks = signal[: signal.size // 240 * 240].reshape(-1, 240)
    rms = np.sqrt((blocks**2).mean(axis=1))
    return int((rms > 327).sum()) * 10


@pytest.mark.audio
@pytest.mark.asyncio
async def test_a_recording_holds_the_mic_left_and_the_assistant_right(
    qtbot: QtBot,
    isolated_env: Path,
    virtual_audio: VirtualAudio,
    simulator: VoiceLiveSimulator,
    tmp_path: Path,
) -> None:
    app = AppUnderTest(qtbot, isolated_env, voice_session_factory())
    indicator = app.window.recording
    control = app.controller.instruments.recording
    assert not indicator.armed and not indicator.rec_label.isVisible()  # off by default
    await app.connect_to(simulator)
    assert isinstance(app.controller.adapter.session, VoiceSession)
    assert control.recorder is None

    indicator.record_action.trigger()
    assert control.recorder is not None
    assert indicator.rec_label.isVisible() and indicator.rec_label.text().startswith("● REC")
    assert indicator.button.text() == "Stop recording"
    speech = virtual_audio.speech_wav("Please tell me about the weather tomorrow.")
    await asyncio.to_thread(virtual_audio.play_into_mic, speech)
    await wait_until(lambda: app.count(UserTranscriptCompleted) >= 1, 20, "the user turn")
    await wait_until(lambda: app.count(ResponseFinished) >= 1, 30, "the spoken reply")
    session = app.controller.adapter.session
    await wait_until(lambda: not session.playback.is_playing(), 30, "the reply to be played")
    await asyncio.sleep(0.3)
    indicator.button.click()  # stop
    assert control.recorder is None and not indicator.rec_label.isVisible()

    conversation_id = app.controller.history.conversation_id  # type: ignore[union-attr]
    folder = recordings_dir(default_history_path())
    files = recording_paths(folder, conversation_id)
    assert len(files) == 1
    mic, assistant = channels(files[0])
    assert loud_ms(mic) > 1000  # the spoken question
    assert loud_ms(assistant) > 1000  # the spoken answer
    # All of the answer that was played is in the recording, once.
    sent = b"".join(e.pcm16 for e in app.events if isinstance(e, AssistantAudioReceived))
    answer_ms = loud_ms(np.frombuffer(sent, dtype="<i2").astype(np.float32))
    assert abs(loud_ms(assistant) - answer_ms) <= answer_ms // 10
    # They take turns: the assistant speaks after the user's speech, not over it.
    first_mic = int(np.argmax(np.abs(mic) > 3000))
    first_assistant = int(np.argmax(np.abs(assistant) > 3000))
    assert first_assistant > first_mic

    assert indicator.save_action.isEnabled()
    saved = tmp_path / "saved.wav"
    assert control.save_audio(saved)
    assert np.array_equal(channels(saved)[0], mic)

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
