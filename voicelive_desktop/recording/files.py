"""Where conversation recordings live: beside the history database, named by conversation."""

from __future__ import annotations

import logging
import re
import wave
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)

RECORDINGS_DIR_NAME = "recordings"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def recordings_dir(history_path: Path) -> Path:
    """The folder of recordings that belongs to the history database at `history_path`."""
    return history_path.parent / RECORDINGS_DIR_NAME


def _checked(conversation_id: str) -> str:
    # Ids become file names: anything but the app's own hex ids is refused, never a path.
    if not _SAFE_ID.match(conversation_id):
        raise ValueError(f"not a conversation id: {conversation_id!r}")
    return conversation_id


def new_recording_path(folder: Path, conversation_id: str, started: datetime) -> Path:
    """A fresh file for one recording of the conversation (it may have several sessions)."""
    stamp = started.strftime("%Y%m%d-%H%M%S")
    base = folder / f"{_checked(conversation_id)}-{stamp}"
    path, number = base.with_suffix(".wav"), 1
    while path.exists():
        number += 1
        path = folder / f"{base.name}-{number}.wav"
    return path


def recording_paths(folder: Path, conversation_id: str) -> list[Path]:
    """The conversation's recordings, oldest first (none for an id that cannot name one)."""
    if not folder.is_dir() or not _SAFE_ID.match(conversation_id):
        return []
    prefix = f"{conversation_id}-"
    return sorted(p for p in folder.glob("*.wav") if p.name.startswith(prefix))


def delete_recordings(folder: Path, conversation_id: str) -> int:
    """Delete the conversation's recordings; returns how many files went. A file that cannot
    be deleted is logged and left (the conversation itself is already gone)."""
    deleted = 0
    for path in recording_paths(folder, conversation_id):
        try:
            path.unlink()
            deleted += 1
        except OSError as error:
            log.warning("recording %s could not be deleted: %s", path, error.strerror)
    return deleted


def join_recordings(paths: list[Path], target: Path) -> None:
    """Write the recordings one after another into `target` (all share one WAV format)."""
    if not paths:
        raise FileNotFoundError("There is no recording of this conversation.")
    with wave.open(str(paths[0]), "rb") as first:
        params = first.getparams()
    partial = target.with_name(f".{target.name}.part")
    try:
        with wave.open(str(partial), "wb") as out:
            out.setparams(params)
            for path in paths:
                with wave.open(str(path), "rb") as part:
                    if part.getparams()[:3] != params[:3]:
                        raise ValueError(f"{path.name} has another audio format")
                    out.writeframes(part.readframes(part.getnframes()))
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
