"""Headless mode honours the saved preferences and keeps the conversation in the history."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from voicelive_desktop.engine.session_settings import (
    ConnectionSettings,
    SessionSettings,
    TurnDetectionMode,
    TurnDetectionSettings,
    VoiceSettings,
)
from voicelive_desktop.history import HistoryStore
from voicelive_desktop.settings import AppSettings, SettingsStore
from voicelive_desktop.simulator import VoiceLiveSimulator

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.asyncio
@pytest.mark.timeout(90)
async def test_saved_preferences_reach_the_server_and_the_turn_is_kept(
    simulator: VoiceLiveSimulator,
) -> None:
    SettingsStore().save(
        AppSettings(
            connection=ConnectionSettings(endpoint=simulator.endpoint),
            session=SessionSettings(
                voice=VoiceSettings(name="alloy"),
                temperature=0.65,
                modalities=("text",),
                turn_detection=TurnDetectionSettings(
                    mode=TurnDetectionMode.SERVER_VAD, threshold=0.7, silence_duration_ms=800
                ),
            ),
        )
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "AZURE_VOICE_LIVE_API_KEY": "demo"}
    env.pop("AZURE_VOICE_LIVE_ENDPOINT", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "voicelive_desktop", "--headless", "--say", "Remember me",
        cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    stdout, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    output = stdout.decode()
    assert process.returncode == 0, output
    assert "assistant: You typed: Remember me." in output

    session = simulator.received_of("session.update")[0]["session"]
    assert session["voice"] == {"type": "openai", "name": "alloy"}
    assert session["temperature"] == pytest.approx(0.65)
    assert session["modalities"] == ["text"]
    assert session["turn_detection"]["threshold"] == pytest.approx(0.7)
    assert session["turn_detection"]["silence_duration_ms"] == 800

    history = HistoryStore()
    (summary,) = history.list_conversations()
    conversation = history.load_conversation(summary.id)
    assert conversation is not None
    assert [(turn.role, turn.text.split(".")[0]) for turn in conversation.turns] == [
        ("user", "Remember me"),
        ("assistant", "You typed: Remember me"),
    ]
