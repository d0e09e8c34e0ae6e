"""While the global hotkey thread runs, garbage (which may hold Qt objects) is freed on the
GUI thread only: freeing a QObject on pynput's thread crashed the app under X11."""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtCore import QObject, QTimer
from pytestqt.qtbot import QtBot

from tests.gc_probe import free_while_a_worker_allocates
from voicelive_desktop.ui.main_thread_gc import MainThreadGarbageCollector

# These tests switch automatic collection off and on themselves (tests/fixtures/hard_crashes.py).
pytestmark = pytest.mark.automatic_gc


class Cycle:
    """A reference cycle holding a QObject with a timer, as widgets and their lambdas make."""

    def __init__(self) -> None:
        self.me = self
        self.qobject = QObject()
        self.timer = QTimer(self.qobject)


def test_garbage_is_freed_on_the_gui_thread_only(qtbot: QtBot) -> None:
    collector = MainThreadGarbageCollector()
    assert gc.isenabled()
    collector.start()
    try:
        assert not gc.isenabled()
        watch, freed_on = free_while_a_worker_allocates(Cycle)
        assert watch() is not None, "nothing may be collected on the worker thread"
        qtbot.waitUntil(lambda: watch() is None, timeout=5000)
        assert freed_on == [threading.main_thread().name]
    finally:
        collector.stop()
    assert gc.isenabled()


def test_deleting_a_started_collector_turns_collection_back_on(qtbot: QtBot) -> None:
    parent = QObject()
    first = MainThreadGarbageCollector(parent)
    second = MainThreadGarbageCollector()
    first.start()
    second.start()
    second.stop()
    assert not gc.isenabled(), "the first collector is still started"
    parent.deleteLater()  # as a window goes with its binding, without an orderly stop
    qtbot.waitUntil(gc.isenabled, timeout=5000)
