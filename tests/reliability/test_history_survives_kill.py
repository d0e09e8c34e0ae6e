"""`kill -9` of a real app process mid-answer: every turn it had finished is in the history."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from voicelive_desktop.history import HistoryStore
from voicelive_desktop.simulator import VoiceLiveSimulator

REPO = Path(__file__).resolve().parents[2]
KEY = "KillTestKey-5c1f0e9a7b3d2468"
FINISHED_TURNS = 2


def app_environment(root: Path, api_key: str) -> dict[str, str]:
    """A private config/data/log tree for one app process, with the key in the environment."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("AZURE_")}
    for kind in ("CONFIG", "DATA", "LOG"):
        env[f"VOICELIVE_DESKTOP_{kind}_DIR"] = str(root / kind.lower())
    env["AZURE_VOICE_LIVE_API_KEY"] = api_key
    return env


async def start_driver(
    endpoint: str, env: dict[str, str], *args: str
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.reliability.conversation_driver",
        endpoint,
        *args,
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def read_reports(process: asyncio.subprocess.Process, until: str) -> list[dict[str, Any]]:
    """The driver's JSON lines up to (and including) the first one that has key `until`."""
    assert process.stdout is not None
    reports: list[dict[str, Any]] = []
    while True:
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        if not line:
            assert process.stderr is not None
            errors = (await process.stderr.read()).decode(errors="replace")
            pytest.fail(f"driver ended before {until!r}: {reports}\n{errors[-3000:]}")
        reports.append(json.loads(line))
        if until in reports[-1]:
            return reports


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
