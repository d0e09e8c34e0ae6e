"""End to end against the simulator: first-run demo, typed conversation, live preferences."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.events import (
    AssistantTranscriptDelta,
    ResponseFinished,
    SessionState,
)
from voicelive_desktop.engine.session_settings import ConnectionSettings, TurnDetectionMode
from voicelive_desktop.history import HistoryStore
from voicelive_desktop.simulator import VoiceLiveSimulator


@pytest.mark.asyncio
async def test_first_run_demo_converses_by_text(qtbot: QtBot, app_under_test: AppUnderTest) -> None:
    app = app_under_test
    await app.controller.start()
    welcome = app.controller.welcome
    assert welcome is not None and welcome.isVisible()  # no credentials anywhere: first run
    qtbot.mouseClick(welcome.demo_button, Qt.MouseButton.LeftButton)
    await wait_until(lambda: app.window.session_state is SessionState.READY, what="demo ready")
    assert app.controller.demo_server is not None
    assert app.window.demo_badge.isVisible()
    assert "demo" in app.window.windowTitle()

    app.window.message_box.setText("Hello there, simulator")
    qtbot.keyClick(app.window.message_box, Qt.Key.Key_Return)
    await wait_until(lambda: app.count(ResponseFinished) >= 1, what="the response")
    assert app.count(AssistantTranscriptDelta) > 1  # streamed, not in one piece
    text = app.window.transcript.conversation_text()
    assert "Hello there, simulator" in text
    reply = "".join(e.delta for e in app.events if isinstance(e, AssistantTranscriptDelta))
    assert reply.strip() and reply.strip() in text
    assert app.window.latency_label.text().startswith("Last turn:")
    server = app.controller.demo_server
    await app.controller.shutdown()
    assert app.window.session_state is SessionState.DISCONNECTED
    assert app.controller.demo_server is None
    assert server._runner is None  # the in-process server stopped listening

    # The finished exchange is in the conversation history, as the history window shows it.
    history = HistoryStore()
    (summary,) = history.list_conversations()
    conversation = history.load_conversation(summary.id)
    assert conversation is not None
    turns = conversation.turns
    assert [turn.role for turn in turns] == ["user", "assistant"]
    assert turns[0].text == "Hello there, simulator"
    assert turns[1].text.strip() == reply.strip()


# Without the keyring fixture (run alone) the key is kept for this run only, and says so.
@pytest.mark.allow_log_warnings(r"credentials: keyring: No system keyring is available")
@pytest.mark.asyncio
async def test_preferences_during_a_session_send_exactly_those_values(
    qtbot: QtBot, app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    app.controller.settings = app.controller.settings.__class__(
        connection=ConnectionSettings(endpoint=simulator.endpoint)
    )
    app.controller.credentials.use_for_this_run(simulator.endpoint, "demo")
    assert await app.controller.connect_configured()
    assert len(simulator.received_of("session.update")) == 1

    dialog = app.controller.open_preferences()
    edit = dialog.editors
    edit["voice"].enter("en-US-Andrew:DragonHDLatestNeural")
    edit["temperature"].focus.setValue(95)  # the slider works in hundredths
    edit["turn_mode"].enter(TurnDetectionMode.AZURE_SEMANTIC_VAD)
    edit["vad_threshold"].focus.setValue(0.35)
    edit["prefix_padding"].focus.setValue(150)
    edit["silence_duration"].focus.setValue(1200)
    assert not dialog.needs_reconnect()
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    await wait_until(lambda: len(simulator.received_of("session.update")) == 2, what="update")
    session = simulator.received_of("session.update")[1]["session"]
    assert session["voice"]["name"] == "en-US-Andrew:DragonHDLatestNeural"
    assert session["temperature"] == pytest.approx(0.95)
    assert session["turn_detection"] == {
        "type": "azure_semantic_vad",
        "threshold": pytest.approx(0.35),
        "prefix_padding_ms": 150,
        "silence_duration_ms": 1200,
        "remove_filler_words": False,
    }
    # The server applied it: the session it keeps now has the new voice.
    assert simulator.session_config is not None
    assert simulator.session_config["voice"]["name"] == "en-US-Andrew:DragonHDLatestNeural"
    # ...and the settings were saved for the next run.
    saved = app.store.load().settings.session
    assert saved.temperature == pytest.approx(0.95)
    assert app.window.session_state is SessionState.READY  # no reconnect happened
    assert len(simulator.handshakes) == 1
    await app.controller.shutdown()


# Without the keyring fixture (run alone) the key is kept for this run only, and says so.
@pytest.mark.allow_log_warnings(r"credentials: keyring: No system keyring is available")
@pytest.mark.asyncio
async def test_connection_change_offers_reconnect_and_reopens_the_session(
    qtbot: QtBot, app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    app.controller.settings = app.controller.settings.__class__(
        connection=ConnectionSettings(endpoint=simulator.endpoint)
    )
    app.controller.credentials.use_for_this_run(simulator.endpoint, "demo")
    assert await app.controller.connect_configured()
    dialog = app.controller.open_preferences()
    assert not dialog.reconnect_button.isVisibleTo(dialog)
    dialog.editors["model"].focus.setCurrentText("gpt-realtime-mini")
    assert dialog.notice.isVisibleTo(dialog)
    assert dialog.reconnect_button.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.reconnect_button, Qt.MouseButton.LeftButton)
    await wait_until(lambda: len(simulator.handshakes) == 2, what="the second connection")
    await wait_until(lambda: app.window.session_state is SessionState.READY, what="ready again")
    assert app.store.load().settings.connection.model == "gpt-realtime-mini"
    await app.controller.shutdown()
