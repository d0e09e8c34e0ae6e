"""Tools in a voice session on the virtual sound system: the same cards and consent as in a
text session, the answer spoken on the speaker, a timer's chime played there too."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.fixtures.virtual_audio import VirtualAudio
from tests.ui.helpers import AppUnderTest, wait_until
from tests.ui.test_tools_flow import SecretEcho
from voicelive_desktop.engine.events import ResponseFinished, SessionState, ToolCallFinished
from voicelive_desktop.push_to_talk.earcon import Earcon, earcon_pcm16
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui import consent_prompt
from voicelive_desktop.ui.sessions import voice_session_factory

pytestmark = [pytest.mark.audio, pytest.mark.asyncio]


@pytest.fixture(autouse=True)
def short_arming_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consent_prompt, "ARMING_DELAY_MS", 50)


async def test_a_voice_session_runs_tools_with_consent_and_speaks_the_answer(
    qtbot: QtBot,
    isolated_env: Path,
    virtual_audio: VirtualAudio,
    simulator: VoiceLiveSimulator,
) -> None:
    app = AppUnderTest(qtbot, isolated_env, voice_session_factory())
    echo = SecretEcho()
    app.controller.tools.registry.register(echo.spec())
    await app.connect_to(simulator)
    session = app.voice_session
    await wait_until(lambda: app.window.session_state is SessionState.READY, what="ready")

    app.window.message_box.setText("What time is it?")
    app.window.message_box.returnPressed.emit()
    await wait_until(lambda: app.count(ResponseFinished) >= 2, 20, "the answer after the call")
    await wait_until(lambda: app.window.speaker_meter.level_db > -50.0, 10, "the spoken answer")
    assert [e.status.value for e in app.events if isinstance(e, ToolCallFinished)] == ["ok"]

    await wait_until(lambda: app.window.session_state is SessionState.READY, 20, "ready")
    app.window.message_box.setText('call secret_echo({"text": "spoken"})')
    app.window.message_box.returnPressed.emit()
    await wait_until(lambda: bool(app.window.tool_calls.pending_prompts()), what="the prompt")
    prompt = app.window.tool_calls.pending_prompts()[0]
    await wait_until(prompt.allow_once_button.isEnabled, what="an armed prompt")
    qtbot.keyClick(prompt, Qt.Key.Key_Return)  # answered through VoiceSession
    await wait_until(lambda: echo.runs == ["spoken"], what="the allowed call")

    # A notification's chime goes to the live session's speaker, after what is queued there.
    queued: list[tuple[str, bytes]] = []
    real_enqueue = session.playback.enqueue

    def recording_enqueue(item_id: str, pcm16: bytes) -> None:
        queued.append((item_id, pcm16))
        real_enqueue(item_id, pcm16)

    session.playback.enqueue = recording_enqueue  # type: ignore[method-assign]
    app.controller.tools.desktop.notify("Timer done", "Tea is up.")
    assert queued == [("earcon_alert", earcon_pcm16(Earcon.ALERT))]
    await app.controller.shutdown()
