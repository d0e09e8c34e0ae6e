"""View → Event inspector: the live list of client and server messages, filterable, with the
selected one's JSON (audio elided, secrets redacted), pause and JSON Lines export."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QFont, QFontDatabase, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from voicelive_desktop.atomic_file import write_text_atomically
from voicelive_desktop.engine.event_log import CLIENT, EventLog, LoggedEvent, readable_event
from voicelive_desktop.ui.event_table_model import EventTableModel

log = logging.getLogger(__name__)

_REFRESH_MS = 150  # new messages are shown in batches at most this often
_Index = QModelIndex | QPersistentModelIndex


class EventFilter(QSortFilterProxyModel):
    """Shows rows whose type contains the filter text and whose direction matches."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.direction = ""  # "" for both

    def set_criteria(self, text: str, direction: str) -> None:
        # Qt 6.10 replaced invalidateFilter() with this begin/end pair.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            self.text, self.direction = text.strip().lower(), direction
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.text, self.direction = text.strip().lower(), direction
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, EventTableModel)
        event = model.event_at(source_row)
        if self.direction and event.direction != self.direction:
            return False
        return not self.text or self.text in event.type.lower()


class EventInspector(QDialog):
    """The inspector window; it reads `EventLog` only while shown and not paused."""

    def __init__(self, source: EventLog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Event inspector")
        self.setAccessibleName("Event inspector")
        self.resize(900, 620)
        self.source = source
        self.paused = False
        self._refresh_due = False
        self.model = EventTableModel(self)
        self.filter = EventFilter(self)
        self.filter.setSourceModel(self.model)
        self._build()
        self.finished.connect(lambda _result: self._stop_listening())

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText("Filter by type, e.g. response.audio")
        self.filter_box.setAccessibleName("Filter events by type")
        _describe(self.filter_box, "Show only events whose type contains this text")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self._apply_filter)
        filter_label = QLabel("&Filter:")
        filter_label.setBuddy(self.filter_box)
        bar.addWidget(filter_label)
        bar.addWidget(self.filter_box, 1)
        self.direction_box = QComboBox()
        self.direction_box.setAccessibleName("Show events sent, received or both")
        for label, value in (("Both directions", ""), ("Sent", CLIENT), ("Received", "server")):
            self.direction_box.addItem(label, value)
        # Qt reads a combo box's current item as its name; the label and description say
        # what it is for.
        self.direction_box.setAccessibleDescription("Show events sent, received or both")
        self.direction_box.currentIndexChanged.connect(self._apply_filter)
        direction_label = QLabel("&Show:")
        direction_label.setBuddy(self.direction_box)
        bar.addWidget(direction_label)
        bar.addWidget(self.direction_box)
        self.pause_button = QPushButton("&Pause")
        self.pause_button.setCheckable(True)
        self.pause_button.setAccessibleName("Pause the live event list")
        _describe(
            self.pause_button,
            "Freeze the list to read it; events are still kept and appear when you resume",
        )
        self.pause_button.toggled.connect(self.set_paused)
        bar.addWidget(self.pause_button)
        self.clear_button = QPushButton("C&lear")
        self.clear_button.setAccessibleName("Clear the kept events")
        _describe(self.clear_button, "Forget every event kept so far; new ones keep coming")
        self.clear_button.clicked.connect(self.clear)
        bar.addWidget(self.clear_button)
        self.export_button = QPushButton("&Export…")
        self.export_button.setAccessibleName("Export the shown events as JSON Lines")
        _describe(
            self.export_button,
            "Save the events the filter shows to a .jsonl file, audio elided, secrets redacted",
        )
        self.export_button.clicked.connect(self._ask_export)
        bar.addWidget(self.export_button)
        layout.addLayout(bar)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableView()
        self.table.setModel(self.filter)
        self.table.setAccessibleName("Events")
        self.table.setAccessibleDescription(
            "Client and server events: time, direction, type and size; select one to see it"
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        # One text line per row: a busy response is hundreds of rows.
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in (0, 1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(self._show_selected)
        splitter.addWidget(self.table)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName("Selected event as JSON")
        self.detail.setAccessibleDescription(
            "The selected event's JSON, with audio elided and secrets redacted"
        )
        self.detail.setPlaceholderText(
            "Select an event to see its JSON (audio elided, secrets redacted)."
        )
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.detail.setFont(mono)
        splitter.addWidget(self.detail)
        splitter.setSizes([380, 240])
        layout.addWidget(splitter, 1)
        self.status = QLabel("")
        self.status.setAccessibleName("Event inspector status")
        layout.addWidget(self.status)
        self.addAction(self._shortcut("Ctrl+F", self.filter_box.setFocus))

    def _shortcut(self, keys: str, slot: Any) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        return action

    # ---- live updates ---------------------------------------------------------------------

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._listen()

    def hideEvent(self, event: Any) -> None:
        self._stop_listening()
        super().hideEvent(event)

    def _listen(self) -> None:
        if not self.paused:
            self.source.listener = self._schedule_refresh
            self.refresh()

    def _stop_listening(self) -> None:
        if self.source.listener == self._schedule_refresh:
            self.source.listener = None

    def set_source(self, source: EventLog) -> None:
        """Show another log (the controller keeps one per app, so rarely needed)."""
        self._stop_listening()
        self.source = source
        self.model.reset_rows()
        if self.isVisible():
            self._listen()

    def _schedule_refresh(self) -> None:
        # Called for every message: only the first of a burst arms the timer.
        if not self._refresh_due:
            self._refresh_due = True
            QTimer.singleShot(_REFRESH_MS, self.refresh)

    def refresh(self) -> None:
        """Bring the list up to date with the log (keeping the view at the bottom if it was)."""
        self._refresh_due = False
        if self.paused:
            return
        bar = self.table.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 2
        self.model.sync(self.source)
        if at_bottom:
            self.table.scrollToBottom()
        self._show_status()

    def set_paused(self, paused: bool) -> None:
        """Freeze the list (the log keeps recording, within its bounds) or catch up."""
        self.paused = paused
        self.pause_button.setText("&Resume" if paused else "&Pause")
        self.pause_button.setAccessibleName(
            "Resume the live event list" if paused else "Pause the live event list"
        )
        if paused:
            self._stop_listening()
            self._show_status()
        elif self.isVisible():
            self._listen()

    def clear(self) -> None:
        self.source.clear()
        self.model.reset_rows()
        self.detail.clear()
        self._show_status()

    def _show_status(self) -> None:
        shown = self.filter.rowCount()
        kept = len(self.model.rows)
        text = (
            f"{shown:,} rows shown of {kept:,} kept events · the newest {self.source.max_events:,}"
            f" (up to {self.source.max_chars // 1_000_000} MB of JSON) are kept"
        )
        if self.source.dropped:
            text += f" · {self.source.dropped:,} older events dropped"
        if self.paused:
            text = "Paused · " + text
        self.status.setText(text)

    # ---- filter, detail, export -----------------------------------------------------------

    def _apply_filter(self) -> None:
        self.filter.set_criteria(self.filter_box.text(), self.direction_box.currentData() or "")
        self._show_status()

    def shown_events(self) -> list[LoggedEvent]:
        return [
            event
            for row in range(self.filter.rowCount())
            for event in self.model.events_at(
                self.filter.mapToSource(self.filter.index(row, 0)).row()
            )
        ]

    def _show_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.detail.clear()
            return
        event = self.model.event_at(self.filter.mapToSource(current).row())
        self.detail.setPlainText(
            json.dumps(readable_event(event.raw), indent=2, ensure_ascii=False)
        )

    def _ask_export(self) -> None:
        name, _selected = QFileDialog.getSaveFileName(
            self, "Export events", "voicelive-events.jsonl", "JSON Lines (*.jsonl)"
        )
        if name:
            self.export(Path(name))

    def export(self, path: Path) -> int:
        """Write the shown events as JSON Lines (audio elided, secrets redacted); returns how
        many were written. A write failure is shown in the status line, never raised."""
        events = self.shown_events()
        lines = [
            json.dumps(
                {
                    "time": datetime.fromtimestamp(event.at)
                    .astimezone()
                    .isoformat(timespec="milliseconds"),
                    "direction": event.direction,
                    "type": event.type,
                    "size": event.size,
                    "event": readable_event(event.raw),
                },
                ensure_ascii=False,
            )
            for event in events
        ]
        try:
            write_text_atomically(path, "".join(line + "\n" for line in lines))
        except OSError as exc:
            log.warning("event export to %s failed: %s", path, exc)
            self.status.setText(f"The events could not be saved to {path}: {exc.strerror}")
            return 0
        self.status.setText(f"Exported {len(lines):,} events to {path}")
        return len(lines)


def _describe(widget: QWidget, text: str) -> None:
    """The same sentence as tool tip and as the screen reader's description."""
    widget.setToolTip(text)
    widget.setAccessibleDescription(text)
