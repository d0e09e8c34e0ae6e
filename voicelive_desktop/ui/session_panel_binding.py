"""Joins the session panel to the app: its edits are saved and applied, and it is told how."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject

from voicelive_desktop.engine.events import SessionState
from voicelive_desktop.engine.session_settings import TurnDetectionMode
from voicelive_desktop.push_to_talk import session_for
from voicelive_desktop.settings import AppSettings
from voicelive_desktop.ui.engine_adapter import APPLIED, STORED, EngineAdapter
from voicelive_desktop.ui.main_window import MainWindow
from voicelive_desktop.ui.session_panel import ApplyStatus
from voicelive_desktop.ui.setting_description import Applies
from voicelive_desktop.ui.setting_fields import FIELDS_BY_KEY
from voicelive_desktop.ui.voice_preview import VoicePreview


class SessionPanelBinding(QObject):
    """Owns the panel's side of the controller: each edit becomes one `apply` call (save and,
    when connected, session.update), and the adapter's outcome becomes the panel's status."""

    def __init__(
        self,
        window: MainWindow,
        adapter: EngineAdapter,
        settings: AppSettings,
        *,
        apply: Callable[[AppSettings], bool],
        reconnect: Callable[[], None],
        preview: VoicePreview,
        spawn: Callable[[Coroutine[Any, Any, object]], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.panel = window.session_panel
        self.adapter = adapter
        self._apply = apply
        self.panel.show_settings(settings)
        window.restore_panel(settings.ui.session_panel_open, settings.ui.session_panel_width)
        self.panel.settings_edited.connect(self.apply_edit)
        self.panel.reconnect_requested.connect(reconnect)
        # The line on the mic meter follows the threshold as it is edited, before it applies.
        self.panel.form.edited.connect(
            lambda _key: self.show_vad_line(self.panel.current_settings())
        )
        adapter.settings_outcome.connect(self._show_outcome)
        adapter.state_changed.connect(self._session_state)
        self.preview = preview
        self.panel.preview_requested.connect(
            lambda: spawn(preview.play(self.panel.current_settings()))
        )
        preview.busy_changed.connect(self.panel.set_preview_busy)
        preview.failed.connect(lambda message: self.panel.show_status(ApplyStatus.REFUSED, message))
        self.show_vad_line(settings)

    def show_settings(self, settings: AppSettings) -> None:
        """Settings changed elsewhere (Preferences): show them."""
        self.panel.show_settings(settings)
        self.show_vad_line(settings)

    def apply_edit(self, settings: AppSettings, keys: frozenset[str]) -> None:
        """A change made in the panel: save it, apply it, and say how it went."""
        live = self.adapter.connected
        sent = self._apply(settings)
        self.show_vad_line(settings)
        waits = any(FIELDS_BY_KEY[key].applies is Applies.RECONNECT for key in keys)
        if live and waits:
            self.panel.show_status(ApplyStatus.ON_RECONNECT)
        elif sent:
            self.panel.show_status(ApplyStatus.APPLYING)
        elif live or all(FIELDS_BY_KEY[key].applies is Applies.APP for key in keys):
            self.panel.show_status(ApplyStatus.APPLIED)
        else:
            self.panel.show_status(ApplyStatus.SAVED)

    def show_vad_line(self, settings: AppSettings) -> None:
        detection = session_for(settings).turn_detection
        vad = detection.mode is not TurnDetectionMode.NONE
        self.window.show_vad_threshold(detection.threshold if vad else None)

    def _session_state(self, state: SessionState) -> None:
        # A new session uses every setting: what the panel said about the last one is done.
        if state is SessionState.CONNECTING:
            self.panel.show_status(ApplyStatus.IDLE)

    def _follow_edit(self, _key: str) -> None:
        self.show_vad_line(self.panel.current_settings())

    def _show_outcome(self, outcome: str) -> None:
        if outcome == APPLIED:
            if self.panel.status is not ApplyStatus.ON_RECONNECT:  # the rest still waits
                self.panel.show_status(ApplyStatus.APPLIED)
        elif outcome == STORED:
            self.panel.show_status(ApplyStatus.ON_RECONNECT)
        else:
            self.panel.show_status(ApplyStatus.REFUSED, outcome)
