"""What the app loads at start: heavy libraries wait until the feature that needs them runs."""

from __future__ import annotations

import json
import subprocess
import sys


def test_starting_the_app_loads_neither_the_mcp_sdk_nor_scipy_signal() -> None:
    # Together they cost ~90 MB of memory that an app waiting in the tray never uses: the
    # MCP SDK loads when a local server starts, scipy.signal at the first echo measured.
    probe = (
        "import json, sys, voicelive_desktop.ui.controller, voicelive_desktop.app; "
        "print(json.dumps(sorted(m for m in sys.modules if m == 'mcp' or m.startswith("
        "('mcp.', 'scipy.signal')))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
