"""What observes a conversation beside the transcript: usage and its estimated cost, the
event inspector, heard-word highlighting and audio recording, joined to the window."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from PySide6.QtCore import QObject

from voicelive_desktop.cost import (
    DEFAULT_PRICES,
    CostEstimator,
    PriceTable,
    PriceTableInvalid,
    default_price_path,
    load_price_table,
    save_price_table,
)
from voicelive_desktop.engine import SessionEngine
from voicelive_desktop.engine.event_log import EventLog
from voicelive_desktop.history import HistoryRecorder, default_history_path
from voicelive_desktop.recording import recordings_dir
from voicelive_desktop.ui.engine_adapter import EngineAdapter
from voicelive_desktop.ui.event_inspector import EventInspector
from voicelive_desktop.ui.main_window import MainWindow
from voicelive_desktop.ui.price_table_dialog import PriceTableDialog
from voicelive_desktop.ui.recording_control import RecordingControl
from voicelive_desktop.ui.word_highlighter import WordHighlighter

log = logging.getLogger(__name__)


class SessionInstruments(QObject):
    """Owns the price table and estimator, the app-wide event log and its inspector, the
    word highlighter and the recording control; the controller tells it when a session is
    made, opened and the app shuts down."""

    def __init__(
        self,
        window: MainWindow,
        adapter: EngineAdapter,
        history: HistoryRecorder | None,
        config_dir: Path,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.history = history
        self.price_notice: str | None = None  # why the user's price file was not used
        self.price_path = default_price_path(config_dir)
        self.prices = self._load_prices()
        self.estimator: CostEstimator | None = None
        # One log for the app's life, so the inspector shows reconnects and earlier sessions.
        self.event_log = EventLog()
        self.inspector: EventInspector | None = None
        self.word_highlighter = WordHighlighter(window.transcript, adapter.played_ms, self)
        self._loose_conversation_id = uuid.uuid4().hex  # recordings' name without a history
        self.recording = RecordingControl(
            window.recording,
            recordings_dir(default_history_path()),
            self._conversation_id,
            window.error_banner.show_message,
            self,
        )
        # After the window's own handler (connected first), so words are in the transcript.
        adapter.event_received.connect(self.word_highlighter.show_event)
        adapter.event_received.connect(self.recording.show_event)
        adapter.session_closed.connect(self.recording.detach)
        window.clear_action.triggered.connect(self.recording.new_conversation)
        window.prices_action.triggered.connect(self.open_prices)
        window.inspector_action.triggered.connect(self.open_inspector)

    # ---- session life ---------------------------------------------------------------------

    def session_made(self, session: object, model: str, voice: str) -> None:
        """A session is about to open: price it, and record its messages for the inspector."""
        self._use_estimator(CostEstimator(self.prices, model, voice))
        engine = getattr(session, "engine", session)
        if isinstance(engine, SessionEngine):
            engine.event_log = self.event_log

    def session_opened(self, session: object) -> None:
        self.recording.attach(session)

    def shutdown(self) -> None:
        self.recording.detach()

    def _conversation_id(self) -> str:
        if self.history is not None:
            return self.history.conversation_id
        return self._loose_conversation_id

    # ---- event inspector ------------------------------------------------------------------

    def open_inspector(self) -> EventInspector:
        """View → Event inspector: one window, raised if already open."""
        if self.inspector is None:
            self.inspector = EventInspector(self.event_log, self.window)
        self.inspector.show()
        self.inspector.raise_()
        self.inspector.activateWindow()
        return self.inspector

    # ---- usage prices ---------------------------------------------------------------------

    def _load_prices(self) -> PriceTable:
        try:
            return load_price_table(self.price_path)
        except PriceTableInvalid as exc:
            log.warning("%s", exc)
            self.price_notice = f"{exc} The shipped prices are used for cost estimates."
            return DEFAULT_PRICES

    def _use_estimator(self, estimator: CostEstimator) -> None:
        self.estimator = estimator
        self.window.usage_status.set_estimator(estimator)
        if self.history is not None:
            self.history.estimate_cost = lambda tokens: (
                estimator.estimate(tokens).amount,
                estimator.table.currency,
            )

    def open_prices(self) -> PriceTableDialog:
        dialog = PriceTableDialog(self.prices, self.window)
        dialog.saved.connect(self.save_prices)
        dialog.open()
        return dialog

    def save_prices(self, table: PriceTable) -> None:
        """Keep the user's prices and estimate with them from now on."""
        try:
            self.prices = save_price_table(self.price_path, table)
        except OSError as exc:
            self.window.error_banner.show_message(
                f"The prices could not be saved to {self.price_path}: {exc.strerror}"
            )
            return
        if self.estimator is not None:
            self._use_estimator(self.estimator.with_table(self.prices))
