"""The "Save audio" question: where, and as which format (preset to the recording's own)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from voicelive_desktop.recording import ALL_FORMATS, RecordingFormat, TrackLayout


def _filter(audio_format: RecordingFormat) -> str:
    pattern = f"*{audio_format.container.extension}"
    if audio_format.layout is TrackLayout.TWO_TRACK:
        return f"{audio_format.label}: -mic and -assistant files ({pattern})"
    return f"{audio_format.label} ({pattern})"


def ask_audio_target(
    parent: QWidget | None, suggested_stem: str, preferred: RecordingFormat
) -> tuple[Path, RecordingFormat] | None:
    """The save dialog: a path and the format the user picked, or None if cancelled."""
    filters = {_filter(f): f for f in ALL_FORMATS}
    name, chosen = QFileDialog.getSaveFileName(
        parent,
        "Save conversation audio",
        suggested_stem + preferred.container.extension,
        ";;".join(filters),
        _filter(preferred),
    )
    if not name:
        return None
    return Path(name), filters.get(chosen, preferred)
