"""The engine is UI-free: importing it must not load Qt (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHECK = """
import sys
import voicelive_desktop.engine
banned = ('PySide6', 'shiboken6', 'qasync', 'sounddevice')
loaded = [m for m in sys.modules if m.split('.')[0] in banned]
print(loaded)
sys.exit(1 if loaded else 0)
"""


def test_importing_the_engine_loads_no_qt_and_no_audio_devices() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "[]"
