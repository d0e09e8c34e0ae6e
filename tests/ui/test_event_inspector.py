"""View → Event inspector as a user drives it: live rows, filter, JSON detail, pause, export,
its memory bound, and names for screen readers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QTableView

from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.event_log import EventLog
from voicelive_desktop.engine.events import ResponseFinished
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.event_inspector import EventInspector


@pytest.mark.asyncio
async def test_the_inspector_lists_filters_shows_pauses_and_exports(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator, tmp_path: Path
) -> None:
    app = app_under_test
    app.window.inspector_action.trigger()
    inspector = app.controller.instruments.inspector
    assert isinstance(inspector, EventInspector) and inspector.isVisible()
    assert await app.controller.start_demo()
    app.controller.adapter.send_text("Show me the events")
    await wait_until(lambda: app.count(ResponseFinished) == 1, what="the reply", timeout=30)
    await wait_until(
        lambda: any(e.type == "response.done" for e in inspector.model.rows), what="live rows"
    )
    types = [e.type for e in inspector.model.rows]
    # The client may send its session.update before it reads the buffered session.created.
    assert sorted(types[:3]) == ["session.created", "session.update", "session.updated"]
    assert "conversation.item.create" in types and "response.audio.delta" in types
    first = inspector.model.index(types.index("session.created"), 0)
    assert inspector.model.data(first.siblingAtColumn(1)) == "↓ received"
    assert inspector.model.data(first.siblingAtColumn(3)).replace(",", "").isdigit()

    inspector.filter_box.setText("audio.delta")
    shown = inspector.shown_events()
    assert shown and {e.type for e in shown} == {"response.audio.delta"}
    inspector.table.selectRow(0)
    detail = inspector.detail.toPlainText()
    assert "audio elided" in detail and json.loads(detail)["type"] == "response.audio.delta"
    assert len(detail) < 1000  # the base64 payload itself is not shown

    inspector.filter_box.clear()
    inspector.direction_box.setCurrentIndex(inspector.direction_box.findData("client"))
    assert {e.direction for e in inspector.shown_events()} == {"client"}
    inspector.direction_box.setCurrentIndex(0)

    inspector.pause_button.click()
    frozen = len(inspector.model.rows)
    app.controller.adapter.send_text("Again")
    await wait_until(lambda: app.count(ResponseFinished) == 2, what="second reply", timeout=30)
    assert len(inspector.model.rows) == frozen and "Paused" in inspector.status.text()
    inspector.pause_button.click()
    assert len(inspector.model.rows) > frozen

    target = tmp_path / "events.jsonl"
    written = inspector.export(target)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert written == len(lines) == len(inspector.model.rows)
    records = [json.loads(line) for line in lines]
    assert {r["direction"] for r in records} == {"client", "server"}
    assert all(set(r) == {"time", "direction", "type", "size", "event"} for r in records)
    appended = [r for r in records if r["type"] == "response.audio.delta"]
    assert appended and all("elided" in r["event"]["delta"] for r in appended)
    await app.controller.shutdown()


@pytest.mark.asyncio
async def test_the_inspector_holds_no_more_rows_than_the_log_keeps(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    app.controller.instruments.event_log = EventLog(max_events=25)
    inspector = app.controller.instruments.open_inspector()
    assert await app.controller.start_demo()
    for turn in range(2):
        app.controller.adapter.send_text(f"Turn {turn}")
        await wait_until(
            lambda want=turn + 1: app.count(ResponseFinished) == want, what="reply", timeout=30
        )
        inspector.refresh()
        assert len(inspector.model.rows) <= 25
    assert app.controller.instruments.event_log.dropped > 0
    assert "older events dropped" in inspector.status.text()
    assert [e.seq for e in inspector.model.rows] == [
        e.seq for e in app.controller.instruments.event_log
    ]
    inspector.clear_button.click()
    assert len(inspector.model.rows) == len(app.controller.instruments.event_log) == 0
    await app.controller.shutdown()


def test_every_inspector_control_has_a_name_and_takes_keyboard_focus(
    app_under_test: AppUnderTest,
) -> None:
    inspector = app_under_test.controller.instruments.open_inspector()
    controls = [
        *inspector.findChildren(QLineEdit),
        *inspector.findChildren(QComboBox),
        *inspector.findChildren(QAbstractButton),
        *inspector.findChildren(QTableView),
        *inspector.findChildren(QPlainTextEdit),
    ]
    assert len(controls) >= 7
    for control in controls:
        if not control.isVisibleTo(inspector):
            continue
        assert control.accessibleName() or control.text(), control  # type: ignore[attr-defined]
        assert control.focusPolicy() & Qt.FocusPolicy.TabFocus, control
    assert app_under_test.window.inspector_action.shortcut().toString() == "Ctrl+Shift+I"
