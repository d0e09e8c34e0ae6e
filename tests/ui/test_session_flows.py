"""Connecting from the command line, a rejected key, and barge-in shown in the transcript."""

from __future__ import annotations

import pytest

from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.auth import ENV_API_KEY
from voicelive_desktop.engine.events import (
    AssistantInterrupted,
    AssistantTranscriptDelta,
    ResponseFinished,
    SessionState,
)
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.transcript_view import INTERRUPTED_MARK


@pytest.mark.asyncio
async def test_connect_flag_uses_env_key_and_endpoint_override(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_under_test
    monkeypatch.setenv(ENV_API_KEY, "demo")
    app.controller.endpoint_override = simulator.endpoint  # what --endpoint URL sets
    await app.controller.start(connect=True)
    assert app.controller.welcome is None  # credentials were found: no first-run dialog
    assert app.window.session_state is SessionState.READY
    assert app.window.endpoint_label.text() == "127.0.0.1"
    # Env values are used for the run, never written to the settings.
    assert app.store.load().settings.connection.endpoint == ""
    await app.controller.shutdown()


@pytest.mark.allow_log_warnings(r"engine\.connection: connect failed: ")
@pytest.mark.asyncio
async def test_rejected_key_shows_the_engines_message(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    app.controller.endpoint_override = simulator.endpoint
    app.controller.credentials.use_for_this_run(simulator.endpoint, "wrong-key-123456")
    assert not await app.controller.connect_configured()
    assert app.window.error_banner.isVisible()
    message = app.window.error_banner.message
    assert "key" in message.lower()
    assert "wrong-key-123456" not in message
    assert "Traceback" not in message
    assert app.window.state_indicator.text == "Error"
    assert app.window.connect_button.text() == "Connect"


@pytest.mark.asyncio
async def test_typing_while_the_assistant_speaks_marks_the_interruption(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    await app.connect_to(simulator)
    app.controller.adapter.send_text("Tell me a long story")
    await wait_until(lambda: app.count(AssistantTranscriptDelta) >= 2, what="first words")
    app.controller.adapter.send_text("Stop, something else")
    await wait_until(lambda: app.count(AssistantInterrupted) == 1, what="the barge-in")
    await wait_until(lambda: app.count(ResponseFinished) >= 1, what="the cancelled response")
    text = app.window.transcript.conversation_text()
    assert INTERRUPTED_MARK in text
    assert text.index(INTERRUPTED_MARK) < text.index("Stop, something else")
    assert simulator.received_of("response.cancel")
    assert simulator.received_of("conversation.item.truncate")
    await app.controller.shutdown()
