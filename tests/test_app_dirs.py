"""app_dirs: an environment override wins over the platform's directory for the app's data."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from voicelive_desktop import APP_ID
from voicelive_desktop.app_dirs import data_directory


def test_the_data_dir_override_wins_with_home_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("VOICELIVE_DESKTOP_DATA_DIR", "~/data")
    assert data_directory() == tmp_path / "data"


def test_a_blank_override_falls_back_to_the_platform_data_dir(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VOICELIVE_DESKTOP_DATA_DIR", "  ")
    assert data_directory() == Path(platformdirs.user_data_dir(APP_ID, appauthor=False))
