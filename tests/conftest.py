"""Test-wide set-up: headless Qt, private app folders, and the shared fixtures that make real
things."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Qt picks its platform once per process; the X11 suite runs in its own pytest invocation.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = [
    "tests.fixtures.hard_crashes",
    "tests.fixtures.simulator",
    "tests.fixtures.virtual_audio",
    "tests.fixtures.secret_service",
    "tests.fixtures.mcp_servers",
    "tests.fixtures.log_fail",
]


@pytest.fixture(autouse=True)
def private_app_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings, history and logs of every test go to its own temp folders, never the
    developer's real ones; a test may point them elsewhere itself."""
    for kind in ("CONFIG", "DATA", "LOG"):
        monkeypatch.setenv(f"VOICELIVE_DESKTOP_{kind}_DIR", str(tmp_path / f"app-{kind.lower()}"))
