"""The desktop entry: valid, and naming the icon and window class the app really has."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.packaging.desktop_entry import exec_argv, read_entry
from voicelive_desktop import APP_ID, APP_NAME

ROOT = Path(__file__).resolve().parents[2]
ENTRY = ROOT / "resources" / "linux" / f"{APP_ID}.desktop"


def test_entry_passes_desktop_file_validate() -> None:
    validator = shutil.which("desktop-file-validate")
    assert validator, "desktop-file-validate is missing: apt-get install desktop-file-utils"
    result = subprocess.run([validator, str(ENTRY)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""  # no hints either


def test_entry_names_the_app_its_icon_and_window_class() -> None:
    entry = read_entry(ENTRY)
    assert entry["Name"] == APP_NAME
    assert entry["Icon"] == APP_ID
    assert (ROOT / "resources/icons/hicolor/256x256/apps" / f"{APP_ID}.png").is_file()
    # Qt on X11 uses QCoreApplication.applicationName as the WM_CLASS class, and the app
    # names itself APP_NAME; tests/packaging/test_bundle.py checks this on a live window.
    assert entry["StartupWMClass"] == APP_NAME
    assert exec_argv(entry["Exec"]) == [APP_ID]


def test_demo_action_starts_the_offline_demo() -> None:
    action = read_entry(ENTRY, "Desktop Action demo")
    assert exec_argv(action["Exec"]) == [APP_ID, "--demo"]
