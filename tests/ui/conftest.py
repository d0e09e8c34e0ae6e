"""UI test set-up: async tests run on a qasync loop so Qt events keep flowing while they await."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.helpers import AppUnderTest
from voicelive_desktop.engine.auth import ENV_API_KEY, ENV_ENDPOINT
from voicelive_desktop.settings import CONFIG_DIR_ENV
from voicelive_desktop.ui.device_picker import audio_device_names, use_device_lister
from voicelive_desktop.ui.event_loop import PreciseEventLoop
from voicelive_desktop.ui.sessions import text_session


def _qasync_loop() -> qasync.QEventLoop:
    app = QApplication.instance() or QApplication([])
    return PreciseEventLoop(app)  # the app's own loop


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> dict[str, Callable[[], Any]]:
    """pytest-asyncio 1.5 hook: without it async tests run on a plain selector loop, Qt
    events stall while they await, and qtbot.waitSignal times out."""
    return {"qasync": _qasync_loop}


@pytest.fixture(autouse=True)
def restore_the_device_lister() -> Iterator[None]:
    """A controller makes the device pickers ask its session; the next test starts afresh."""
    previous = use_device_lister(audio_device_names)
    yield
    use_device_lister(previous)


@pytest.fixture
def named_devices() -> Iterator[list[bool]]:
    """The pickers offer microphone "mic" and speakers "speaker" and "headset" (a machine
    without sound devices has none to name); yields the `rescan` flag of each listing."""
    rescans: list[bool] = []

    def listing(rescan: bool) -> tuple[list[str], list[str]]:
        rescans.append(rescan)
        return ["mic"], ["speaker", "headset"]

    previous = use_device_lister(listing)
    yield rescans
    use_device_lister(previous)


@pytest.fixture
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config dir and HOME of the test's own, with no credentials in the environment."""
    config = tmp_path / "config"
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv(CONFIG_DIR_ENV, str(config))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv(ENV_API_KEY, raising=False)
    monkeypatch.delenv(ENV_ENDPOINT, raising=False)
    return config


@pytest.fixture
def app_under_test(qtbot: QtBot, isolated_env: Path) -> AppUnderTest:
    """The app with text-only sessions (no sound devices needed)."""
    return AppUnderTest(qtbot, isolated_env, text_session)
