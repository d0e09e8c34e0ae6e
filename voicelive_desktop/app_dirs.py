"""Where the app keeps its files: an environment override, else the platform's directory."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import platformdirs

from voicelive_desktop import APP_ID

DATA_DIR_ENV = "VOICELIVE_DESKTOP_DATA_DIR"


def app_directory(override_env: str, platform_directory: Callable[..., str]) -> Path:
    """`$override_env` when set (blank counts as unset, `~` expanded), else the directory
    `platform_directory` (a platformdirs function such as `user_config_dir`) gives the app."""
    override = os.environ.get(override_env, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(platform_directory(APP_ID, appauthor=False))


def data_directory() -> Path:
    """Where the app keeps user data: `$VOICELIVE_DESKTOP_DATA_DIR`, else the platform data dir."""
    return app_directory(DATA_DIR_ENV, platformdirs.user_data_dir)
