"""The event inspector's rows: the event log's kept messages, with audio runs folded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QWidget

from voicelive_desktop.engine.event_log import CLIENT, EventLog, LoggedEvent

COLUMNS = ("Time", "Direction", "Type", "Size")
ARROWS = {CLIENT: "↑ sent", "server": "↓ received"}
# Audio chunks come 25-50 a second; a run of them in a row is listed as one counted row, so
# an open inspector repaints one row while the mic streams instead of scrolling the table.
FOLDED_TYPES = frozenset({"input_audio_buffer.append", "response.audio.delta"})
_Index = QModelIndex | QPersistentModelIndex


def _clock(at: float) -> str:
    return datetime.fromtimestamp(at).strftime("%H:%M:%S.%f")[:-3]


@dataclass
class _Run:
    """One listed row: `count` consecutive events from `start` in the model's `rows`."""

    start: int
    count: int = 1


class EventTableModel(QAbstractTableModel):
    """Mirrors the event log's kept messages (`rows`, every one, oldest first) and lists them
    one per row, except that consecutive audio chunks of one type share a row ("×N", their
    summed size, the newest's time). Never holds more than the log does."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[LoggedEvent] = []
        self._runs: list[_Run] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._runs)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def events_at(self, row: int) -> list[LoggedEvent]:
        """The events listed in `row` (more than one for a folded audio run)."""
        run = self._runs[row]
        return self.rows[run.start : run.start + run.count]

    def event_at(self, row: int) -> LoggedEvent:
        """The newest event listed in `row`."""
        run = self._runs[row]
        return self.rows[run.start + run.count - 1]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            run = self._runs[index.row()]
            event = self.rows[run.start + run.count - 1]
            if column == 0:
                return _clock(event.at)
            if column == 1:
                return ARROWS.get(event.direction, event.direction)
            if column == 2:
                return event.type if run.count == 1 else f"{event.type} ×{run.count:,}"
            if run.count == 1:
                return f"{event.size:,}"
            return f"{sum(e.size for e in self.events_at(index.row())):,}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sync(self, source: EventLog) -> None:
        """Drop rows the log no longer keeps, then append what it recorded since."""
        oldest = source.oldest_seq
        gone = 0 if len(source) else len(self.rows)
        while gone < len(self.rows) and self.rows[gone].seq < oldest:
            gone += 1
        if gone:
            self._drop(gone)
        newer = source.since(self.rows[-1].seq if self.rows else 0)
        if newer:
            self._append(newer)

    def _drop(self, gone: int) -> None:
        """Forget the oldest `gone` events (the log no longer keeps them)."""
        whole = 0
        while whole < len(self._runs) and self._runs[whole].start + self._runs[whole].count <= gone:
            whole += 1
        if whole:
            self.beginRemoveRows(QModelIndex(), 0, whole - 1)
        del self._runs[:whole]
        del self.rows[:gone]
        for run in self._runs:
            run.start -= gone
        partial = bool(self._runs) and self._runs[0].start < 0  # a run lost its oldest
        if partial:
            self._runs[0].count += self._runs[0].start
            self._runs[0].start = 0
        if whole:
            self.endRemoveRows()
        if partial:
            self._changed(0)

    def _append(self, newer: list[LoggedEvent]) -> None:
        listed = len(self._runs)
        first = len(self.rows)
        self.rows.extend(newer)  # the row count follows the runs, so this shows nothing yet
        fresh: list[_Run] = []
        grew = False
        for position in range(first, len(self.rows)):
            event = self.rows[position]
            tail = fresh[-1] if fresh else (self._runs[-1] if self._runs else None)
            if tail is not None and event.type in FOLDED_TYPES:
                newest = self.rows[tail.start + tail.count - 1]
                if newest.type == event.type and newest.direction == event.direction:
                    tail.count += 1
                    grew = grew or not fresh
                    continue
            fresh.append(_Run(position))
        if grew:
            self._changed(listed - 1)
        if fresh:
            self.beginInsertRows(QModelIndex(), listed, listed + len(fresh) - 1)
            self._runs.extend(fresh)
            self.endInsertRows()

    def _changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def reset_rows(self) -> None:
        self.beginResetModel()
        self.rows.clear()
        self._runs.clear()
        self.endResetModel()
