"""Crash capture: uncaught exceptions from a Qt slot, a thread and a task reach the crash log
and the window's banner; a hard crash leaves its stacks in the same file."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import qInstallMessageHandler, qWarning
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from voicelive_desktop.background_tasks import BackgroundTasks
from voicelive_desktop.crash_capture import CRASH_LOG_NAME, CrashCapture
from voicelive_desktop.diagnostic_checks import Status, check_crash_log
from voicelive_desktop.logging_setup import log_directory
from voicelive_desktop.ui.main_window import MainWindow
from voicelive_desktop.ui.qt_messages import log_qt_message

# The handlers log every capture as CRITICAL: that is the point of these tests.
pytestmark = pytest.mark.allow_log_warnings(
    r"voicelive_desktop\.crash_capture: ", r"^qt: a Qt warning on purpose"
)


@pytest.fixture
def crashes() -> Iterator[CrashCapture]:
    capture = CrashCapture(log_directory())  # the test's private log folder (conftest)
    yield capture
    capture.uninstall()


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_qt_slot_shows_the_banner_and_lands_in_the_crash_log(
    qtbot: QtBot, crashes: CrashCapture
) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    crashes.on_crash = lambda summary: window.crash_banner.show_crash(summary, str(crashes.path))
    crashes.install()
    button = QPushButton(window)

    def broken_slot() -> None:
        raise RuntimeError("a slot broke on purpose")

    button.clicked.connect(broken_slot)
    button.click()

    assert window.crash_banner.isVisibleTo(window)
    text = window.crash_banner.label.text()
    assert "Something went wrong" in text and "a slot broke on purpose" in text
    assert str(crashes.path) in text
    logged = crashes.path.read_text()
    assert "RuntimeError: a slot broke on purpose" in logged and "broken_slot" in logged
    button.click()
    assert "(2 times)" in window.crash_banner.label.text()


def test_copy_diagnostics_carries_the_newest_crash(crashes: CrashCapture) -> None:
    crashes.install()
    try:
        raise ValueError("the newest problem")
    except ValueError as error:
        crashes.report("uncaught exception", error)
    check = check_crash_log()
    assert check.status is Status.WARNING
    assert any("ValueError: the newest problem" in line for line in check.details)


def test_an_exception_in_a_thread_is_captured(crashes: CrashCapture) -> None:
    seen: list[str] = []
    crashes.on_crash = seen.append
    crashes.install()

    def work() -> None:
        raise OSError("a worker thread failed")

    thread = threading.Thread(target=work, name="worker")
    thread.start()
    thread.join()
    assert seen == ["OSError: a worker thread failed"]
    assert "in thread 'worker'" in crashes.path.read_text()


@pytest.mark.asyncio
async def test_a_failed_background_task_reaches_the_loops_handler(crashes: CrashCapture) -> None:
    seen: list[str] = []
    crashes.on_crash = seen.append
    crashes.install(asyncio.get_running_loop())

    async def fail() -> None:
        raise KeyError("lost")

    tasks = BackgroundTasks("test owner")
    tasks.spawn(fail(), "failing job")
    await tasks.wait_idle()
    await asyncio.sleep(0)
    assert seen == ["KeyError: 'lost'"]
    assert "background task 'test owner: failing job' of test owner failed" in (
        crashes.path.read_text()
    )


def test_a_hard_crash_writes_the_python_stacks_to_the_crash_log(tmp_path: Path) -> None:
    script = (
        "import ctypes, pathlib, sys\n"
        "from voicelive_desktop.crash_capture import CrashCapture\n"
        "CrashCapture(pathlib.Path(sys.argv[1])).install()\n"
        "ctypes.string_at(0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, timeout=60
    )
    assert result.returncode != 0
    crash_log = (tmp_path / CRASH_LOG_NAME).read_text()
    assert "Fatal Python error" in crash_log and "Segmentation fault" in crash_log


def test_qt_messages_go_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    previous = qInstallMessageHandler(log_qt_message)
    try:
        with caplog.at_level(logging.INFO, logger="qt"):
            qWarning("a Qt warning on purpose")
    finally:
        qInstallMessageHandler(previous)
    assert [(r.name, r.levelno) for r in caplog.records] == [("qt", logging.WARNING)]
    assert "a Qt warning on purpose" in caplog.records[0].getMessage()
