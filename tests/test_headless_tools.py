"""Headless mode prints tool calls and denies Ask tools unless --allow-tool names them."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from voicelive_desktop.engine.events import (
    ToolApprovalDecision,
    ToolApprovalRequested,
    ToolCallFinished,
    ToolCallStarted,
    ToolCallStatus,
)
from voicelive_desktop.headless_tools import HeadlessTools
from voicelive_desktop.tools.registry import ToolPolicy

REPO = Path(__file__).resolve().parents[1]


async def headless(*args: str) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "voicelive_desktop", "--headless", "--demo", *args,
        cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    stdout, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode()


@pytest.mark.asyncio
@pytest.mark.timeout(120)
async def test_demo_prints_the_call_and_speaks_the_time() -> None:
    code, output = await headless("--say", "What time is it?")
    assert code == 0, output
    assert "tool: get_current_time {}" in output
    assert "tool: get_current_time ok in " in output
    assert "assistant: It is " in output


@pytest.mark.asyncio
@pytest.mark.timeout(120)
async def test_ask_tools_are_denied_unless_allowed() -> None:
    code, output = await headless("--say", "call read_clipboard({})", "--allow-tool", "nope")
    assert code == 0, output
    assert "tool: --allow-tool nope: there is no tool of that name" in output
    assert "tool: read_clipboard needs consent; denied (pass --allow-tool read_clipboard" in output
    assert "tool: read_clipboard denied in " in output
    code, output = await headless(
        "--say", "call read_clipboard({})", "--allow-tool", "read_clipboard"
    )
    assert "needs consent" not in output
    # Allowed, it ran: and headless mode has no clipboard, which it says.
    assert "tool: read_clipboard failed in " in output
    assert "not available in headless mode" in output


def test_off_in_the_settings_stays_off() -> None:
    lines: list[str] = []
    tools = HeadlessTools(lines.append, {"get_current_time": ToolPolicy.OFF}, ["open_url"])
    assert "get_current_time" not in {spec.name for spec in tools.registry.enabled()}
    answers: list[tuple[str, ToolApprovalDecision]] = []
    tools.answer_with(lambda call_id, decision: answers.append((call_id, decision)) or True)
    tools(ToolCallStarted("c1", "open_url", '{"url": "https://a.example"}', "i", "r1"))
    tools(ToolApprovalRequested("c1", "open_url", "{}", "opens_things", 60.0))
    tools(ToolCallFinished("c1", "open_url", ToolCallStatus.OK, 5.0, "opened"))
    assert answers == [("c1", ToolApprovalDecision.ALLOW_ONCE)]
    assert tools.tool_responses == {"r1"}
    assert lines == [
        'tool: open_url {"url": "https://a.example"}',
        "tool: open_url ok in 5 ms: opened",
    ]
