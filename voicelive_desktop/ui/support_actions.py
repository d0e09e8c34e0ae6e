"""Help-menu support actions: conversation history, "Open log folder" and "Copy diagnostics"."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QWidget

from voicelive_desktop.diagnose import local_report
from voicelive_desktop.logging_setup import log_directory
from voicelive_desktop.ui.history_dialog import open_history_dialog


def open_log_folder(parent: QWidget | None = None) -> bool:
    """Show the log folder in the file manager; says where it is if none can be opened."""
    folder = log_directory()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return True
    QMessageBox.information(parent, "Log folder", f"The log files are in:\n{folder}")
    return False


def copy_diagnostics() -> str:
    """Put the local `--diagnose` report (no network probe) on the clipboard and return it."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        text = local_report().to_text()
    finally:
        QApplication.restoreOverrideCursor()
    QGuiApplication.clipboard().setText(text)
    return text


def add_support_actions(menu: QMenu, parent: QWidget) -> tuple[QAction, QAction, QAction]:
    """Add "Conversation history…", "Open log folder" and "Copy diagnostics" to `menu`."""
    history = QAction("Conversation &history…", parent)
    history.setShortcut("Ctrl+H")
    history.triggered.connect(lambda: open_history_dialog(parent))
    logs = QAction("Open &log folder", parent)
    logs.triggered.connect(lambda: open_log_folder(parent))
    diagnostics = QAction("Copy &diagnostics", parent)
    diagnostics.triggered.connect(copy_diagnostics)
    for action in (history, logs, diagnostics):
        menu.addAction(action)
    menu.addSeparator()
    return history, logs, diagnostics
