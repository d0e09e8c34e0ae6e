"""Where conversation recordings live (beside the history database, named by conversation),
and how they are listed, saved as one recording and deleted."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import soundfile

from voicelive_desktop.protocol import SAMPLE_RATE_HZ
from voicelive_desktop.recording.formats import (
    ALL_FORMATS,
    ASSISTANT_TRACK,
    MIC_TRACK,
    AudioContainer,
    RecordingFormat,
    TrackLayout,
)
from voicelive_desktop.recording.track_writer import open_for_writing

log = logging.getLogger(__name__)

RECORDINGS_DIR_NAME = "recordings"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_EXTENSIONS = frozenset(c.extension for c in AudioContainer)
_BLOCK_FRAMES = 10 * SAMPLE_RATE_HZ  # what a save holds in memory at once: 10 s
_SILENCE = np.zeros(0, dtype=np.int16)


def recordings_dir(history_path: Path) -> Path:
    """The folder of recordings that belongs to the history database at `history_path`."""
    return history_path.parent / RECORDINGS_DIR_NAME


def _checked(conversation_id: str) -> str:
    # Ids become file names: anything but the app's own hex ids is refused, never a path.
    if not _SAFE_ID.match(conversation_id):
        raise ValueError(f"not a conversation id: {conversation_id!r}")
    return conversation_id


def new_take(folder: Path, conversation_id: str, started: datetime) -> Path:
    """A fresh name (a path without extension) for one take of the conversation (it may have
    several sessions); no file of any format has it yet."""
    stamp = started.strftime("%Y%m%d-%H%M%S")
    base = folder / f"{_checked(conversation_id)}-{stamp}"
    take, number = base, 1
    while any(path.exists() for f in ALL_FORMATS for path in f.files(take)):
        number += 1
        take = folder / f"{base.name}-{number}"
    return take


def recording_paths(folder: Path, conversation_id: str) -> list[Path]:
    """Every file of the conversation's recordings, oldest first (none for an id that cannot
    name one)."""
    if not folder.is_dir() or not _SAFE_ID.match(conversation_id):
        return []
    prefix = f"{conversation_id}-"
    return sorted(
        p
        for p in folder.iterdir()
        if p.name.startswith(prefix) and p.suffix.lower() in _EXTENSIONS and p.is_file()
    )


@dataclass(frozen=True)
class Take:
    """One recorded session: a stereo file, or a mic and an assistant track (either may be
    missing if someone deleted it: it then reads as silence)."""

    name: str
    stereo: Path | None = None
    mic: Path | None = None
    assistant: Path | None = None

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(p for p in (self.stereo, self.mic, self.assistant) if p is not None)

    @property
    def audio_format(self) -> RecordingFormat:
        """The format it was recorded in."""
        container = AudioContainer(self.files[0].suffix.lower().lstrip("."))
        layout = TrackLayout.STEREO if self.stereo is not None else TrackLayout.TWO_TRACK
        return RecordingFormat(container, layout)


def recording_takes(folder: Path, conversation_id: str) -> list[Take]:
    """The conversation's recordings as takes, oldest first."""
    parts: dict[str, dict[str, Path]] = {}
    for path in recording_paths(folder, conversation_id):
        name, role = path.stem, "stereo"
        for track, track_role in ((MIC_TRACK, "mic"), (ASSISTANT_TRACK, "assistant")):
            if name.endswith(track):
                name, role = name[: -len(track)], track_role
        parts.setdefault(name, {})[role] = path
    return [Take(name, **parts[name]) for name in sorted(parts)]


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


def save_recordings(takes: list[Take], target: Path, audio_format: RecordingFormat) -> list[Path]:
    """Write the takes one after another as `audio_format` at `target` (its extension is the
    format's; two tracks add -mic and -assistant to its name); returns the files written.
    Whatever format each take was recorded in, it is read and written in blocks."""
    if not takes:
        raise FileNotFoundError("There is no recording of this conversation.")
    stem = target.with_suffix("") if target.suffix.lower() in _EXTENSIONS else target
    outputs = list(audio_format.files(stem))
    partials = [p.with_name(f".{p.name}.part") for p in outputs]
    stereo = audio_format.layout is TrackLayout.STEREO
    files: list[soundfile.SoundFile] = []
    try:
        for partial in partials:
            files.append(open_for_writing(partial, audio_format.container, 2 if stereo else 1))
        _write_takes(takes, files)
        for file in files:
            file.close()
        for partial, output in zip(partials, outputs, strict=True):
            partial.replace(output)
    except BaseException:
        for file in files:
            file.close()
        for partial in partials:
            partial.unlink(missing_ok=True)
        raise
    return outputs


def _write_takes(takes: list[Take], files: list[soundfile.SoundFile]) -> None:
    """Both columns into one stereo file, or each into its own mono file."""
    for take in takes:
        for block in _blocks(take):
            if len(files) == 1:
                files[0].write(block)
            else:
                files[0].write(block[:, 0])
                files[1].write(block[:, 1])


def _blocks(take: Take) -> Iterator[np.ndarray]:
    """The take's audio as (frames, 2) int16 blocks: the mic, then the assistant."""
    if take.stereo is not None:
        with _reading(take.stereo, channels=2) as file:
            assert file is not None
            while len(block := file.read(_BLOCK_FRAMES, dtype="int16", always_2d=True)):
                yield block
        return
    with _reading(take.mic, 1) as mic, _reading(take.assistant, 1) as assistant:
        while True:
            left = mic.read(_BLOCK_FRAMES, dtype="int16") if mic else _SILENCE
            right = assistant.read(_BLOCK_FRAMES, dtype="int16") if assistant else _SILENCE
            if not len(left) and not len(right):
                return
            block = np.zeros((max(len(left), len(right)), 2), dtype=np.int16)
            block[: len(left), 0] = left
            block[: len(right), 1] = right
            yield block


@contextlib.contextmanager
def _reading(path: Path | None, channels: int) -> Iterator[soundfile.SoundFile | None]:
    if path is None:
        yield None
        return
    try:
        file = soundfile.SoundFile(str(path))
    except (soundfile.LibsndfileError, RuntimeError) as error:
        raise ValueError(f"{path.name} cannot be read: {error}") from error
    with file:
        if file.samplerate != SAMPLE_RATE_HZ or file.channels != channels:
            raise ValueError(f"{path.name} has another audio format")
        yield file
