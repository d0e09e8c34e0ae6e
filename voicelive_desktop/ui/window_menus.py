"""The main window's menu bar: the Session, Edit, View and Help menus and their actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu

from voicelive_desktop import APP_NAME
from voicelive_desktop.ui.support_actions import add_support_actions

if TYPE_CHECKING:
    from voicelive_desktop.ui.main_window import MainWindow


def preferences_shortcuts() -> list[QKeySequence]:
    """The platform's Preferences shortcut; Linux desktops often define none, so Ctrl+,."""
    standard = QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
    return standard or [QKeySequence("Ctrl+,")]


def _copy_conversation(window: MainWindow) -> None:
    QGuiApplication.clipboard().setText(window.transcript.conversation_text())


class WindowMenus:
    """Owns the main window's menus and their actions. An action that asks for something
    outside the window (connect, preferences, ...) triggers the window's intent signal; the
    rest act on the window's own widgets. Shortcuts are also added to the window, so they
    work with the menu bar hidden."""

    def __init__(self, window: MainWindow) -> None:
        bar = window.menuBar()
        self.session_menu = bar.addMenu("&Session")
        self.connect_action = QAction("&Connect", window)
        self.connect_action.triggered.connect(window.connect_requested)
        self.disconnect_action = QAction("&Disconnect", window)
        self.disconnect_action.triggered.connect(window.disconnect_requested)
        self.demo_action = QAction("Try the offline &demo", window)
        self.demo_action.triggered.connect(window.demo_requested)
        self.quit_action = QAction("&Quit", window)
        self.quit_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Quit))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(window.close)
        for action in (self.connect_action, self.disconnect_action, self.demo_action):
            action.triggered.connect(window.error_banner.hide)  # a new attempt, a clean slate
            self.session_menu.addAction(action)
        self.session_menu.addSeparator()
        self.session_menu.addAction(window.recording.record_action)
        self.session_menu.addAction(window.recording.save_action)
        window.addAction(window.recording.record_action)
        self.session_menu.addSeparator()
        self.session_menu.addAction(self.quit_action)

        self.edit_menu = bar.addMenu("&Edit")
        copy_all = QAction("Copy &transcript", window)
        copy_all.setShortcut(QKeySequence("Ctrl+Shift+C"))
        copy_all.triggered.connect(lambda: _copy_conversation(window))
        window.addAction(copy_all)
        self.copy_transcript_action = copy_all
        self.clear_action = QAction("C&lear conversation", window)
        self.clear_action.triggered.connect(window.transcript.clear_conversation)
        self.preferences_action = QAction("&Preferences…", window)
        self.preferences_action.setShortcuts(preferences_shortcuts())
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.preferences_action.triggered.connect(window.preferences_requested)
        self.edit_menu.addAction(copy_all)
        self.edit_menu.addAction(self.clear_action)
        self.edit_menu.addSeparator()
        self.prices_action = QAction("P&rices for cost estimates…", window)
        self.edit_menu.addAction(self.prices_action)
        self.edit_menu.addAction(self.preferences_action)
        window.addAction(self.preferences_action)  # the shortcut works with the menu bar hidden

        self.view_menu = bar.addMenu("&View")
        self.panel_action = QAction("&Session panel", window)
        self.panel_action.setCheckable(True)
        self.panel_action.setChecked(True)
        self.panel_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.panel_action.toggled.connect(window.set_panel_open)
        window.panel_button.toggled.connect(self.panel_action.setChecked)
        self.view_menu.addAction(self.panel_action)
        window.addAction(self.panel_action)
        window.panel_button.setChecked(True)
        self.inspector_action = QAction("&Event inspector", window)
        self.inspector_action.setShortcut(QKeySequence("Ctrl+Shift+I"))
        self.view_menu.addAction(self.inspector_action)
        window.addAction(self.inspector_action)

        self.help_menu: QMenu = bar.addMenu("&Help")
        add_support_actions(self.help_menu, window)
        self.about_action = QAction(f"&About {APP_NAME}", window)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.help_menu.addAction(self.about_action)
