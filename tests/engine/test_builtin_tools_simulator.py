"""The built-in tools end to end: typed question -> simulator call -> tool -> spoken answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
import pytest_asyncio

from tests.engine.conftest import EventLog
from tests.engine.simulator_engines import TEXT_ONLY, answer, tool_engine
from tests.tools.desktop_double import RecordingDesktop
from tests.waiting import wait_until
from voicelive_desktop.engine import SessionEngine
from voicelive_desktop.engine.events import (
    ToolApprovalDecision,
    ToolApprovalRequested,
    ToolCallFinished,
    ToolCallStatus,
)
from voicelive_desktop.history.records import Turn
from voicelive_desktop.history.store import HistoryStore
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.tools.builtins import register_builtin_tools
from voicelive_desktop.tools.registry import ToolRegistry
from voicelive_desktop.tools.timers import TimerBoard

pytestmark = pytest.mark.asyncio


@dataclass
class App:
    engine: SessionEngine
    log: EventLog
    desktop: RecordingDesktop
    board: TimerBoard


@pytest_asyncio.fixture
async def app(simulator: VoiceLiveSimulator, tmp_path: Path) -> AsyncIterator[App]:
    desktop = RecordingDesktop("clipboard words")
    board = TimerBoard(desktop.notify)
    store = HistoryStore(tmp_path / "history.sqlite3")
    at = datetime(2026, 2, 3, 12, 0, tzinfo=timezone.utc)
    store.record_turn("earlier", Turn("user", "Which rover found water on Mars?", at, at))
    registry = ToolRegistry()
    register_builtin_tools(
        registry,
        desktop,
        timers=board,
        notes_path=tmp_path / "notes.md",
        search=store.search,
        current_conversation=lambda: "now",
    )
    engine, log = tool_engine(simulator, registry, TEXT_ONLY)
    await engine.start()
    yield App(engine, log, desktop, board)
    await engine.stop()
    board.cancel_all()
    store.close()


async def test_set_a_timer_then_it_notifies(app: App) -> None:
    await app.engine.send_text("Set a timer for 1 second")
    assert await answer(app.log) == "Timer set for 1 second."
    assert len(app.board.timers()) == 1
    await wait_until(lambda: bool(app.desktop.notifications), 3, what="the notification")
    assert app.desktop.notifications == [("Timer done", "Your timer for 1 second is up.")]


async def test_search_my_history(app: App) -> None:
    await app.engine.send_text("Search my history for Mars")
    spoken = await answer(app.log)
    # (With " 2026" after it from next year on.)
    assert spoken.startswith("Found 1 mention of Mars; the latest, on Tuesday 3 February")
    assert "Which rover found water on Mars?" in spoken


async def test_take_a_note(app: App, tmp_path: Path) -> None:
    await app.engine.send_text("Take a note: call the plumber")
    assert await answer(app.log) == "Noted."
    assert (tmp_path / "notes.md").read_text().rstrip().endswith("call the plumber")


async def test_refused_url_is_not_even_asked(app: App) -> None:
    await app.engine.send_text('call open_url({"url": "file:///etc/passwd"})')
    refused = await app.log.wait_for(ToolCallFinished)
    assert refused.status is ToolCallStatus.FAILED
    assert "Only http and https" in refused.error
    assert app.log.of(ToolApprovalRequested) == [] and app.desktop.opened_urls == []


async def test_clipboard_read_waits_for_consent(app: App) -> None:
    await app.engine.send_text("call read_clipboard({})")
    asked = await app.log.wait_for(ToolApprovalRequested)
    app.engine.answer_tool_approval(asked.call_id, ToolApprovalDecision.ALLOW_ONCE)
    assert "clipboard words" in (await app.log.wait_for(ToolCallFinished)).result
