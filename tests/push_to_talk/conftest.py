"""Push-to-talk test set-up: async tests run on a qasync loop; the UI tests' app fixtures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import app_under_test, isolated_env
from voicelive_desktop.ui.event_loop import PreciseEventLoop

__all__ = ["app_under_test", "isolated_env"]


def _qasync_loop() -> qasync.QEventLoop:
    return PreciseEventLoop(QApplication.instance() or QApplication([]))  # the app's own


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> dict[str, Callable[[], Any]]:
    """Qt events (sockets, key events, signals) keep flowing while a test awaits."""
    return {"qasync": _qasync_loop}
