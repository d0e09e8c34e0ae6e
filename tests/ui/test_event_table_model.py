"""The inspector's rows: audio chunks in a row share one counted row, and nothing is lost."""

from __future__ import annotations

import json

from PySide6.QtCore import QModelIndex

from voicelive_desktop.engine.event_log import CLIENT, SERVER, EventLog
from voicelive_desktop.ui.event_table_model import EventTableModel

APPEND = json.dumps({"type": "input_audio_buffer.append", "audio": "AAAA"})


def _event(kind: str) -> str:
    return json.dumps({"type": kind})


def _types(model: EventTableModel) -> list[str]:
    return [model.data(model.index(row, 2)) for row in range(model.rowCount())]


class Changes:
    """What the model told its views: rows inserted, removed, changed."""

    def __init__(self, model: EventTableModel) -> None:
        self.inserted = self.removed = self.changed = 0
        model.rowsInserted.connect(lambda *_: self._add("inserted"))
        model.rowsRemoved.connect(lambda *_: self._add("removed"))
        model.dataChanged.connect(lambda *_: self._add("changed"))

    def _add(self, what: str) -> None:
        setattr(self, what, getattr(self, what) + 1)


def test_consecutive_audio_chunks_share_a_row_and_every_event_is_kept() -> None:
    log = EventLog()
    model = EventTableModel()
    log.record(SERVER, _event("session.created"))
    for _ in range(3):
        log.record(CLIENT, APPEND)
    log.record(SERVER, _event("input_audio_buffer.speech_started"))
    log.record(CLIENT, APPEND)
    model.sync(log)
    assert _types(model) == [
        "session.created",
        "input_audio_buffer.append ×3",
        "input_audio_buffer.speech_started",
        "input_audio_buffer.append",
    ]
    assert model.data(model.index(1, 3)) == f"{3 * len(APPEND):,}"
    assert [e.seq for e in model.rows] == [e.seq for e in log]  # every event, in order
    assert [e.seq for e in model.events_at(1)] == [2, 3, 4]
    assert model.event_at(1).seq == 4  # the newest is the one shown and selected

    changes = Changes(model)
    for _ in range(25):  # a second of streaming mic: one row grows, nothing is inserted
        log.record(CLIENT, APPEND)
    model.sync(log)
    assert changes.inserted == 0 and changes.changed == 1
    assert _types(model)[-1] == "input_audio_buffer.append ×26"
    assert model.rowCount(QModelIndex()) == 4


def test_rows_the_log_drops_leave_the_model_even_from_inside_a_run() -> None:
    log = EventLog(max_events=6)
    model = EventTableModel()
    log.record(SERVER, _event("session.created"))
    log.record(SERVER, _event("session.updated"))
    for _ in range(4):
        log.record(CLIENT, APPEND)
    model.sync(log)
    assert _types(model) == ["session.created", "session.updated", "input_audio_buffer.append ×4"]
    changes = Changes(model)
    for _ in range(3):  # the log now keeps the newest 6: three of the run's first chunks went
        log.record(CLIENT, APPEND)
    model.sync(log)
    assert _types(model) == ["input_audio_buffer.append ×6"]
    assert [e.seq for e in model.rows] == [e.seq for e in log]
    assert changes.removed == 1
    log.record(SERVER, _event("response.created"))  # drops one more chunk from the run
    model.sync(log)
    assert _types(model) == ["input_audio_buffer.append ×5", "response.created"]
    assert [e.seq for e in model.rows] == [e.seq for e in log]
