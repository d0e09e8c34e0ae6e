"""Locates the data files the app ships with, both installed from a wheel and frozen."""

from __future__ import annotations

from pathlib import Path

from voicelive_desktop import APP_ID

# PyInstaller gives frozen modules a __file__ under sys._MEIPASS and the spec copies
# voicelive_desktop/resources there too, so one relative rule covers both layouts.
RESOURCES_DIR = Path(__file__).resolve().parent / "resources"


class MissingResource(FileNotFoundError):
    """A data file the app ships with is absent: a broken install, not a user mistake."""


def resource_path(relative: str) -> Path:
    """The path of a shipped data file, e.g. `resource_path("icons/voicelive-desktop-64.png")`.

    Raises MissingResource naming the file and where it was expected.
    """
    path = RESOURCES_DIR / relative
    if not path.is_file():
        raise MissingResource(
            f"{relative} is missing from {RESOURCES_DIR}; reinstall VoiceLive Desktop"
        )
    return path


def app_icon_files() -> list[Path]:
    """Every PNG size of the app icon, smallest first, for building a multi-size window icon."""
    icons = RESOURCES_DIR / "icons"
    files = sorted(icons.glob(f"{APP_ID}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    if not files:
        raise MissingResource(f"no app icon PNGs in {icons}; reinstall VoiceLive Desktop")
    return files
