"""Stored tool calls in the exports and the history window, each under the turn it answered."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from voicelive_desktop.history import Conversation, HistoryStore, Turn
from voicelive_desktop.history.export import to_json, to_markdown
from voicelive_desktop.history.tool_call_record import ToolCallRecord
from voicelive_desktop.ui.history_dialog import HistoryDialog

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)
TIMER = ToolCallRecord(
    call_id="call_1",
    name="set_timer",
    arguments='{"seconds": 10, "label": "tea ```"}',
    result='{"timer_id": "timer-1"}',
    status="ok",
    started_at=T0 + timedelta(seconds=1),
    duration_ms=4.25,
)
DENIED = ToolCallRecord(
    call_id="call_2",
    name="read_clipboard",
    arguments="{}",
    result='{"error": "denied"}',
    status="denied",
    started_at=T0 + timedelta(seconds=70),
    duration_ms=60000.0,
    error="No answer in 60 s.",
)


@pytest.fixture
def conversation(tmp_path: Path) -> Iterator[tuple[HistoryStore, Conversation]]:
    with HistoryStore(tmp_path / "history.sqlite3") as store:
        asked = store.record_turn("c", Turn("user", "Set a timer for 10 seconds", T0, T0))
        store.record_tool_call("c", asked, TIMER)
        later = T0 + timedelta(seconds=3)
        store.record_turn("c", Turn("assistant", "Your tea timer is set.", later, later))
        store.record_tool_call("c", None, DENIED)  # its question was never stored
        loaded = store.load_conversation("c")
        assert loaded is not None
        yield store, loaded


def test_json_keeps_each_call_with_its_turn(
    conversation: tuple[HistoryStore, Conversation],
) -> None:
    document = json.loads(to_json(conversation[1]))
    user, assistant = document["turns"]
    assert user["tool_calls"] == [
        {
            "call_id": "call_1",
            "name": "set_timer",
            "arguments": '{"seconds": 10, "label": "tea ```"}',
            "result": '{"timer_id": "timer-1"}',
            "status": "ok",
            "error": "",
            "started_at": "2026-06-01T08:00:01.000+00:00",
            "duration_ms": 4.25,
        }
    ]
    assert assistant["tool_calls"] == []
    (outside,) = document["tool_calls_outside_turns"]
    assert outside["name"] == "read_clipboard" and outside["error"] == "No answer in 60 s."


def test_markdown_shows_calls_between_the_question_and_the_answer(
    conversation: tuple[HistoryStore, Conversation],
) -> None:
    text = to_markdown(conversation[1])
    question = text.index("Set a timer for 10 seconds")
    call = text.index("*Tool call* **set_timer** (done, 4 ms)")
    answer = text.index("Your tea timer is set.")
    assert question < call < answer
    # The argument's own backticks cannot close the block that holds them.
    assert '````text\nArguments: {"seconds": 10, "label": "tea ```"}' in text
    assert "## Tool calls without a stored turn" in text
    assert "*Tool call* **read_clipboard** (denied, 60.0 s)" in text
    assert "Why: No answer in 60 s." in text


def test_the_history_window_shows_the_calls(
    qtbot: QtBot, conversation: tuple[HistoryStore, Conversation]
) -> None:
    dialog = HistoryDialog(conversation[0])
    qtbot.addWidget(dialog)
    dialog.conversation_list.setCurrentRow(0)
    shown = dialog.viewer.toPlainText()
    assert (
        shown.index("Set a timer")
        < shown.index("Tool call set_timer (done, 4 ms)")
        < shown.index("Your tea timer")
    )
    assert 'Arguments: {"seconds": 10, "label": "tea ```"}' in shown
    assert "read_clipboard (denied, 60.0 s)" in shown and "Why: No answer in 60 s." in shown
