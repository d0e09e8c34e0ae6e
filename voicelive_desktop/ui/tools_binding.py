"""Joins the tool registry to the app: persisted policies, consent answers, attention."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from voicelive_desktop.engine.events import ToolApprovalDecision
from voicelive_desktop.engine.playback_port import PlaybackSink
from voicelive_desktop.tools.builtins import register_builtin_tools
from voicelive_desktop.tools.registry import ToolPolicy, ToolRegistry
from voicelive_desktop.tools.timers import TimerBoard
from voicelive_desktop.ui.desktop_services import QtDesktopServices
from voicelive_desktop.ui.engine_adapter import EngineAdapter
from voicelive_desktop.ui.main_window import MainWindow
from voicelive_desktop.ui.tray import AppTray
from voicelive_desktop.voice_session import VoiceSession

log = logging.getLogger(__name__)

PolicySaver = Callable[[dict[str, ToolPolicy]], None]


class ToolsBinding(QObject):
    """Owns the app's tool registry (built from the saved policies), the Qt desktop the
    built-in tools use and their timer board (listed under the conversation); saves every
    policy change; passes consent answers to the session; and asks for the user's attention
    when a call waits for consent."""

    def __init__(
        self,
        window: MainWindow,
        adapter: EngineAdapter,
        policies: Mapping[str, ToolPolicy],
        save_policies: PolicySaver,
        tray: AppTray | None = None,
        current_conversation: Callable[[], str | None] = lambda: None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.adapter = adapter
        self.tray = tray
        self.registry = ToolRegistry(policies)
        self.desktop = QtDesktopServices(
            window,
            tray_icon=lambda: tray.icon if tray is not None else None,
            speaker=self._live_speaker,
        )
        self.timers = TimerBoard(self.desktop.notify)
        register_builtin_tools(
            self.registry,
            self.desktop,
            timers=self.timers,
            current_conversation=current_conversation,
        )
        window.timers_strip.follow(self.timers)
        self._saved = dict(policies)
        self._save_policies = save_policies
        self.registry.subscribe(self._policies_changed)
        window.tool_calls.approval_answered.connect(self.answer)
        window.tool_calls.consent_needed.connect(self.ask_for_attention)
        if tray is not None:
            tray.icon.messageClicked.connect(tray.show_window)

    def answer(self, call_id: str, decision: ToolApprovalDecision) -> None:
        """Send the user's consent answer (the engine makes "Always allow" the policy)."""
        self.adapter.answer_tool_approval(call_id, decision)

    def close(self) -> None:
        """Stop every timer (the app is quitting: nobody would see them fire)."""
        self.timers.cancel_all()

    def ask_for_attention(self, call_id: str, name: str) -> None:
        """The prompt is in the transcript; make sure the user sees it."""
        QApplication.alert(self.window)
        hidden = not self.window.isVisible() or self.window.isMinimized()
        if hidden and self.tray is not None:
            self.tray.icon.showMessage(
                f"Allow {name}?",
                "The assistant is waiting for your answer. Click to show the window.",
                self.tray.icon.icon(),
                15_000,
            )
        log.info("consent needed for %s (%s)%s", name, call_id, " (window hidden)" * hidden)

    def _policies_changed(self) -> None:
        chosen = self.registry.chosen_policies()
        if chosen != self._saved:
            self._saved = dict(chosen)
            self._save_policies(chosen)

    def _live_speaker(self) -> PlaybackSink | None:
        session = self.adapter.session
        return session.playback if isinstance(session, VoiceSession) else None
