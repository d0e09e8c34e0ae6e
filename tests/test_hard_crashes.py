"""The test harness against hard crashes (tests/fixtures/hard_crashes.py): garbage is collected
on the main thread only, and a segfault late in a run still prints its stacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.gc_probe import free_while_a_worker_allocates

ROOT = Path(__file__).resolve().parents[1]


class Cycle:
    """Garbage only the cyclic collector frees, as widgets and their connected lambdas make."""

    def __init__(self) -> None:
        self.me = self


def test_garbage_is_not_collected_on_another_thread_during_a_qt_test(qtbot: QtBot) -> None:
    watch, freed_on = free_while_a_worker_allocates(Cycle)
    assert watch() is not None and freed_on == [], "collected off the main thread"


def test_a_segfault_after_faulthandler_was_turned_off_still_prints_its_stack(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_inner.py").write_text(
        "import ctypes, faulthandler\n"
        "def test_turns_it_off():\n"
        "    faulthandler.disable()  # as CrashCapture.uninstall() does\n"
        "def test_crashes():\n"
        "    ctypes.string_at(0)\n"
    )
    plugin = ["-p", "tests.fixtures.hard_crashes"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugin, "test_inner.py"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Fatal Python error: Segmentation fault" in result.stderr, result.stderr
    assert "in test_crashes" in result.stderr, result.stderr
