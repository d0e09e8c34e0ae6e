"""UI test set-up: async tests run on a qasync loop so Qt events keep flowing while they await."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import qasync
from PySide6.QtWidgets import QApplication


def _qasync_loop() -> qasync.QEventLoop:
    app = QApplication.instance() or QApplication([])
    return qasync.QEventLoop(app)


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> dict[str, Callable[[], Any]]:
    """pytest-asyncio 1.5 hook: without it async tests run on a plain selector loop, Qt
    events stall while they await, and qtbot.waitSignal times out."""
    return {"qasync": _qasync_loop}
