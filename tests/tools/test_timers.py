"""Timers: they fire a notification on time, list soonest first, and cancel."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.early_loop import EarlyLoop
from tests.tools.desktop_double import RecordingDesktop
from voicelive_desktop.tools.registry import ToolError
from voicelive_desktop.tools.timers import TimerBoard, spoken_duration, timer_tools


@pytest.mark.asyncio
async def test_a_timer_fires_a_notification_when_due() -> None:
    desktop = RecordingDesktop()
    board = TimerBoard(desktop.notify)
    changes: list[int] = []
    board.subscribe(lambda: changes.append(len(board.timers())))
    began = time.monotonic()
    result = await timer_tools(board)[0].handler({"seconds": 1, "label": "tea"})
    assert result["summary"] == "Timer called tea set for 1 second."
    assert [t.label for t in board.timers()] == ["tea"]
    while not desktop.notifications:
        await asyncio.sleep(0.02)
        assert time.monotonic() - began < 3
    assert 0.9 < time.monotonic() - began < 2.0
    assert desktop.notifications == [("Timer done", "Tea: your timer for 1 second is up.")]
    assert board.timers() == [] and changes == [1, 0]


@pytest.mark.asyncio
async def test_list_and_cancel() -> None:
    desktop = RecordingDesktop()
    board = TimerBoard(desktop.notify)
    handlers = {spec.name: spec.handler for spec in timer_tools(board)}
    await handlers["set_timer"]({"seconds": 600})
    second = await handlers["set_timer"]({"seconds": 90, "label": "eggs"})
    listed = await handlers["list_timers"]({})
    assert [t["duration"] for t in listed["timers"]] == ["1 minute 30 seconds", "10 minutes"]
    assert listed["summary"] == (
        "2 timers running: eggs, 1 minute 30 seconds left; one set for 10 minutes, 10 minutes left."
    )
    assert [t["left"] for t in listed["timers"]] == ["1 minute 30 seconds", "10 minutes"]
    with pytest.raises(ToolError, match="Say which timer"):
        await handlers["cancel_timer"]({})
    assert (await handlers["cancel_timer"]({"timer_id": second["timer_id"]}))["cancelled"]
    with pytest.raises(ToolError, match="no running timer"):
        await handlers["cancel_timer"]({"timer_id": second["timer_id"]})
    await handlers["cancel_timer"]({})  # the only one left
    assert (await handlers["list_timers"]({}))["summary"] == "No timers are running."
    await asyncio.sleep(0)
    assert desktop.notifications == []


@pytest.mark.asyncio
async def test_limits() -> None:
    board = TimerBoard(RecordingDesktop().notify)
    with pytest.raises(ToolError, match="from 1 second"):
        board.start(0)
    for _ in range(20):
        board.start(60)
    with pytest.raises(ToolError, match="already 20 timers"):
        board.start(60)
    board.cancel_all()
    assert board.timers() == []


def test_spoken_durations() -> None:
    assert spoken_duration(10) == "10 seconds"
    assert spoken_duration(3661) == "1 hour 1 minute 1 second"


def test_a_timer_never_goes_off_early_on_a_loop_whose_timers_do() -> None:
    loop = EarlyLoop()
    fired_at: list[float] = []

    async def run() -> float:
        board = TimerBoard(lambda title, message: fired_at.append(loop.time()))
        began = loop.time()
        board.start(1)
        while not fired_at:
            await asyncio.sleep(0.01)
        return began

    try:
        began = loop.run_until_complete(run())
    finally:
        loop.close()
    assert fired_at[0] - began >= 0.995, fired_at[0] - began
