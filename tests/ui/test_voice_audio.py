"""Speech on the virtual sound system: the spoken turn appears from input transcription, the
mic meter moves, and Mute silences the mic."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.fixtures.virtual_audio import VirtualAudio
from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.events import UserTranscriptCompleted
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.sessions import voice_session_factory
from voicelive_desktop.ui.transcript_view import Role


@pytest.mark.audio
@pytest.mark.asyncio
async def test_spoken_turn_meters_and_mute(
    qtbot: QtBot,
    isolated_env: Path,
    virtual_audio: VirtualAudio,
    simulator: VoiceLiveSimulator,
) -> None:
    app = AppUnderTest(qtbot, isolated_env, voice_session_factory())
    await app.connect_to(simulator)
    session = app.voice_session

    speech = virtual_audio.speech_wav("What is the time in Tokyo right now?")
    player = virtual_audio.start_playing_into_mic(speech)
    await wait_until(lambda: app.window.mic_meter.level_db > -50.0, 10, "the mic meter")
    await wait_until(lambda: app.count(UserTranscriptCompleted) >= 1, 20, "the user transcript")
    await asyncio.to_thread(player.wait, 30)
    user_turns = [t for t in app.window.transcript.turns if t.role is Role.USER]
    assert user_turns and user_turns[0].item_id and user_turns[0].text.strip()

    qtbot.mouseClick(app.window.mute_button, Qt.MouseButton.LeftButton)
    assert session.muted
    assert app.window.mute_button.text() == "Unmute mic"
    qtbot.mouseClick(app.window.mute_button, Qt.MouseButton.LeftButton)
    assert not session.muted
    await app.controller.shutdown()
