"""Test-wide set-up: headless Qt and the shared fixtures that make real things."""

from __future__ import annotations

import os

# Qt picks its platform once per process; the X11 suite runs in its own pytest invocation.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = [
    "tests.fixtures.simulator",
    "tests.fixtures.virtual_audio",
    "tests.fixtures.secret_service",
]
