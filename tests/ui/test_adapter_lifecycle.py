"""The adapter's life: once Qt deletes it, the session it listened to cannot reach it."""

from __future__ import annotations

import logging

import pytest
import shiboken6
from pytestqt.qtbot import QtBot

from voicelive_desktop.engine import SessionEngine, SessionSettings
from voicelive_desktop.engine.auth import key_credential
from voicelive_desktop.engine.events import UserTextSent
from voicelive_desktop.engine.session_settings import ConnectionSettings
from voicelive_desktop.protocol import DEMO_API_KEY
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.engine_adapter import EngineAdapter


@pytest.mark.asyncio
async def test_a_deleted_adapter_is_no_longer_called_by_its_session(
    qtbot: QtBot, simulator: VoiceLiveSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    engine = SessionEngine(
        ConnectionSettings(endpoint=simulator.endpoint),
        key_credential(DEMO_API_KEY),
        SessionSettings(),
    )
    adapter = EngineAdapter()
    assert await adapter.open(engine)
    try:
        shiboken6.delete(adapter)  # what Qt does to it when its window closes under a session
        with caplog.at_level(logging.ERROR):
            engine._emit(UserTextSent("item_1", "still talking"))
        assert not [r for r in caplog.records if "listener failed" in r.getMessage()]
    finally:
        await engine.stop()
