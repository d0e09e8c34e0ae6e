"""Tool calls in the history: stored with the user turn they answered, and the v3 migration."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.engine.simulator_engines import TEXT_ONLY, answer, tool_engine
from voicelive_desktop.engine.events import ToolCallFinished
from voicelive_desktop.history import HistoryStore, Turn, schema
from voicelive_desktop.history.recorder import HistoryRecorder
from voicelive_desktop.history.tool_call_record import ToolCallRecord
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.tools.clock import clock_tool
from voicelive_desktop.tools.registry import ToolRegistry

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)


def call(name: str, status: str = "ok", minutes: int = 1) -> ToolCallRecord:
    return ToolCallRecord(
        call_id=f"call_{name}",
        name=name,
        arguments="{}",
        result='{"time": "08:01"}',
        status=status,
        started_at=T0 + timedelta(minutes=minutes),
        duration_ms=3.5,
        error="" if status == "ok" else "The user denied this call.",
    )


def test_calls_come_back_with_their_turn_and_in_order(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        asked = store.record_turn("c", Turn("user", "What time is it?", T0, T0))
        store.record_tool_call("c", asked, call("get_current_time"))
        store.record_tool_call("c", None, call("read_clipboard", "denied", minutes=2))
        conversation = store.load_conversation("c")
    assert conversation is not None
    assert conversation.turns[0].tool_calls == (call("get_current_time"),)
    assert [c.name for c in conversation.tool_calls] == ["get_current_time", "read_clipboard"]
    assert conversation.tool_calls[1].error == "The user denied this call."


def test_deleting_a_conversation_deletes_its_calls(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record_tool_call("c", None, call("x"))
        assert store.delete_conversation("c")
        raw = sqlite3.connect(tmp_path / "h.sqlite3")
        assert raw.execute("SELECT count(*) FROM tool_calls").fetchone()[0] == 0
        raw.close()


def test_a_version_2_history_without_fts_gains_calls_and_a_built_index(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    for statement in schema._split_statements(schema._SCHEMA_V1):
        connection.execute(statement)  # made where SQLite had no FTS5: no turns_fts
    connection.execute("ALTER TABLE turns ADD COLUMN usage TEXT")
    connection.execute(
        "INSERT INTO conversations(id, started_at, updated_at, title) VALUES ('c', 1, 2, 'old')"
    )
    connection.execute(
        "INSERT INTO turns(conversation_id, role, text, started_at, ended_at)"
        " VALUES ('c', 'user', 'the Mars rover question', 1, 2)"
    )
    connection.execute("PRAGMA user_version=2")
    connection.close()
    with HistoryStore(path) as store:
        assert store.full_text_search
        assert [hit.turn.text for hit in store.search("rov")] == ["the Mars rover question"]
        store.record_tool_call("c", None, call("get_current_time"))
        loaded = store.load_conversation("c")
        assert loaded is not None and len(loaded.tool_calls) == 1


@pytest.mark.asyncio
async def test_the_recorder_stores_calls_from_a_real_session(
    simulator: VoiceLiveSimulator, tmp_path: Path
) -> None:
    registry = ToolRegistry()
    registry.register(clock_tool())
    engine, log = tool_engine(simulator, registry, TEXT_ONLY)
    recorder = HistoryRecorder(HistoryStore(tmp_path / "h.sqlite3"))
    recorder.attach(engine)
    await engine.start()
    try:
        await engine.send_text("What time is it?")
        finished = await log.wait_for(ToolCallFinished)
        await answer(log)
    finally:
        await engine.stop()
        conversation_id = recorder.conversation_id
        recorder.close()
    _check_stored(tmp_path / "h.sqlite3", conversation_id, finished)


def _check_stored(path: Path, conversation_id: str, finished: ToolCallFinished) -> None:
    with HistoryStore(path) as store:
        conversation = store.load_conversation(conversation_id)
    assert conversation is not None
    user, assistant = conversation.turns
    assert (user.role, user.text) == ("user", "What time is it?")
    (stored,) = user.tool_calls
    assert (stored.name, stored.arguments, stored.status) == ("get_current_time", "{}", "ok")
    assert stored.result == finished.result and stored.call_id == finished.call_id
    assert assistant.text.startswith("It is ")
