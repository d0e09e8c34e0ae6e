"""A dropped connection as the user sees it: the attempt count, then back to listening, with
nothing lost from the transcript."""

from __future__ import annotations

import pytest

from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.events import (
    ReconnectScheduled,
    ResponseFinished,
    SessionState,
)
from voicelive_desktop.simulator import VoiceLiveSimulator


@pytest.mark.allow_log_warnings(r"engine\.connection: connect failed: ")
@pytest.mark.asyncio
async def test_drop_mid_response_shows_attempts_and_keeps_the_transcript(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    shown: list[str] = []
    # Connected after the window's own slot, so this sees the indicator as each event left it.
    app.controller.adapter.event_received.connect(
        lambda _event: shown.append(app.window.state_indicator.text)
    )
    await app.connect_to(simulator)
    app.controller.adapter.send_text("Remember the word teapot")
    await wait_until(lambda: app.count(ResponseFinished) >= 1, what="the first response")
    await wait_until(lambda: app.window.session_state is SessionState.READY, what="ready")
    first_turn = app.window.transcript.conversation_text()

    # The second answer is cut after two audio deltas and the first retries are refused.
    simulator.faults.drop_after_audio_deltas = 2
    simulator.faults.refuse_connections(1.0)
    app.controller.adapter.send_text("What was the word?")
    await wait_until(lambda: app.count(ReconnectScheduled) >= 2, what="a second attempt")
    await wait_until(
        lambda: app.window.session_state is SessionState.READY, timeout=15.0, what="ready again"
    )

    assert "Reconnecting (attempt 1)…" in shown
    assert "Reconnecting (attempt 2)…" in shown
    assert 503 in simulator.handshakes  # the refused tries really happened
    assert app.window.state_indicator.text == "Listening"
    assert app.window.connect_button.text() == "Disconnect"
    assert not app.window.error_banner.isVisible()  # "connection lost" is no longer true
    text = app.window.transcript.conversation_text()
    assert text.startswith(first_turn)
    assert "What was the word?" in text
    await app.controller.shutdown()
