"""`kill -9` of a real app process mid-answer: every turn it had finished is in the history."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from tests.reliability.driver_process import app_environment, read_reports, start_driver
from voicelive_desktop.history import HistoryStore
from voicelive_desktop.simulator import VoiceLiveSimulator

KEY = "KillTestKey-5c1f0e9a7b3d2468"
FINISHED_TURNS = 2


@pytest.mark.slow
@pytest.mark.asyncio
async def test_kill_9_mid_answer_loses_no_finished_turn(tmp_path: Path) -> None:
    env = app_environment(tmp_path, KEY)
    async with VoiceLiveSimulator(api_key=KEY, use_espeak=False) as simulator:
        driver = await start_driver(simulator.endpoint, env, str(FINISHED_TURNS), "--hang")
        try:
            reports = await read_reports(driver, until="mid_response")
            driver.send_signal(signal.SIGKILL)
            await asyncio.wait_for(driver.wait(), 10)
        finally:
            if driver.returncode is None:
                driver.kill()
                await driver.wait()
    assert driver.returncode == -signal.SIGKILL
    assert not [report for report in reports if "failure" in report]
    stored = [(report["stored"], report["text"]) for report in reports if "stored" in report]
    # The full exchanges, then the question whose answer was cut by the kill.
    assert [role for role, _ in stored] == ["user", "assistant"] * FINISHED_TURNS + ["user"]

    with HistoryStore(tmp_path / "data" / "history.sqlite3") as store:
        (summary,) = store.list_conversations()
        conversation = store.load_conversation(summary.id)
    assert conversation is not None
    assert conversation.id == reports[0]["conversation"]
    assert [(turn.role, turn.text) for turn in conversation.turns] == stored
    assert all(turn.text.strip() for turn in conversation.turns)
    assistant_turns = [turn for turn in conversation.turns if turn.role == "assistant"]
    assert all(turn.latency_ms is not None and turn.latency_ms > 0 for turn in assistant_turns)
