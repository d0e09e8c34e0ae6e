"""Acceptance under a real X server: `--demo` shows a conversation with the simulator, a typed
message gets a streamed transcript and audio, and closing the window quits cleanly."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.fixtures.virtual_audio import VirtualAudio
from tests.ui.helpers import wait_until
from voicelive_desktop.__main__ import build_parser
from voicelive_desktop.app import run_window
from voicelive_desktop.engine.events import SessionState
from voicelive_desktop.ui.main_window import MainWindow
from voicelive_desktop.ui.sessions import voice_session_factory
from voicelive_desktop.ui.transcript_view import Role


def _main_window() -> MainWindow | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)


@pytest.mark.x11
@pytest.mark.audio
@pytest.mark.asyncio
async def test_demo_window_converses_with_sound_and_quits(
    qtbot: QtBot, isolated_env: Path, virtual_audio: VirtualAudio
) -> None:
    args: argparse.Namespace = build_parser().parse_args(["--demo"])
    app_run = asyncio.ensure_future(run_window(args, voice_session_factory()))
    await wait_until(lambda: _main_window() is not None, what="the window")
    window = _main_window()
    assert window is not None
    qtbot.addWidget(window)  # deleted after the test, before the interpreter shuts down
    await wait_until(lambda: window.session_state is SessionState.READY, 15, "demo connected")
    assert window.isVisible()
    assert window.demo_badge.isVisible()
    window.message_box.setFocus()
    qtbot.keyClicks(window.message_box, "What can you do?")
    qtbot.keyClick(window.message_box, Qt.Key.Key_Return)

    def assistant_text() -> str:
        turns = [t for t in window.transcript.turns if t.role is Role.ASSISTANT]
        return turns[-1].text if turns else ""

    await wait_until(lambda: len(assistant_text().split()) >= 3, 15, "streaming words")
    partial = assistant_text()
    # Sound reaches the (virtual) speaker and its meter while the words stream.
    await wait_until(lambda: window.speaker_meter.level_db > -60.0, 15, "speaker level")
    await wait_until(lambda: window.session_state is SessionState.READY, 30, "turn finished")
    assert assistant_text().startswith(partial.rstrip())
    assert len(assistant_text()) > len(partial)  # it grew word by word
    assert "What can you do?" in window.transcript.conversation_text()
    assert window.latency_label.text().startswith("Last turn:")

    window.close()
    assert await asyncio.wait_for(app_run, 10) == 0
    assert not window.isVisible()
