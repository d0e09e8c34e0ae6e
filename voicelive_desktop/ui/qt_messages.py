"""Qt's own messages (qDebug … qFatal from Qt and its plugins) routed into Python logging."""

from __future__ import annotations

import logging

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def log_qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """The handler: one log record per Qt message, with Qt's category when it has one."""
    category = context.category if context is not None and context.category else ""
    where = f" [{category}]" if category and category != "default" else ""
    log.log(_LEVELS.get(kind, logging.WARNING), "%s%s", message, where)


def route_qt_messages_to_log() -> None:
    """Install the handler for the whole process (Qt's messages otherwise go to stderr,
    which a double-clicked app does not have, so they were lost)."""
    qInstallMessageHandler(log_qt_message)
