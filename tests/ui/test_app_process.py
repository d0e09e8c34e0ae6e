"""The real entry point in its own process: `--demo` starts, connects, and SIGTERM quits
cleanly (session closed, simulator stopped, settings written, exit status 0)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from voicelive_desktop import APP_NAME, __version__


def test_version_flag() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "voicelive_desktop", "--version"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stdout.strip() == f"{APP_NAME} {__version__}"


@pytest.mark.slow
def test_demo_process_connects_and_quits_on_sigterm(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
        "XDG_STATE_HOME": str(tmp_path / "home" / ".state"),
        "VOICELIVE_DESKTOP_CONFIG_DIR": str(tmp_path / "config"),
    }
    env.pop("AZURE_VOICE_LIVE_API_KEY", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "voicelive_desktop", "--demo"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 30
        while not any("-> ready" in line for line in lines):
            line = process.stderr.readline()
            assert line, f"the app exited early: {''.join(lines)[-2000:]}"
            lines.append(line)
            assert time.monotonic() < deadline, "the demo did not connect in 30 s"
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    log = "".join(lines) + rest
    assert process.returncode == 0, log[-2000:]
    assert "-> disconnected" in log
    assert "Traceback" not in log
    saved = json.loads((tmp_path / "config" / "settings.json").read_text())
    assert saved["ui"]["window_geometry"]  # remembered for the next start
