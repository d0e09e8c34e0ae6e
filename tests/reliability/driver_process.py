"""Starting and following the conversation driver (a real app process) from a test."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


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
