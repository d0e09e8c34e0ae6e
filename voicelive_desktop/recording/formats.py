"""How a recording is stored: WAV or FLAC, and stereo (one file) or two tracks (two files)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

# The suffixes of a two-track take's files, after the take's name and before the extension.
MIC_TRACK = "-mic"
ASSISTANT_TRACK = "-assistant"


class AudioContainer(str, enum.Enum):
    """The file type: uncompressed WAV, or lossless FLAC (about half the size of speech)."""

    WAV = "wav"
    FLAC = "flac"

    @property
    def extension(self) -> str:
        return f".{self.value}"


class TrackLayout(str, enum.Enum):
    """Stereo: one file, the mic left and the assistant right. Two tracks: a mono file each."""

    STEREO = "stereo"
    TWO_TRACK = "two_track"


@dataclass(frozen=True)
class RecordingFormat:
    """The container and layout of a recording: which files one take is made of."""

    container: AudioContainer = AudioContainer.WAV
    layout: TrackLayout = TrackLayout.STEREO

    def files(self, take: Path) -> tuple[Path, ...]:
        """The files of the take named `take` (a path without extension): the stereo file, or
        the mic's and the assistant's."""
        extension = self.container.extension
        if self.layout is TrackLayout.STEREO:
            return (take.with_name(take.name + extension),)
        return tuple(take.with_name(take.name + t + extension) for t in TRACKS)

    @property
    def label(self) -> str:
        """How a save dialog names it: "FLAC, two tracks"."""
        layout = "stereo" if self.layout is TrackLayout.STEREO else "two tracks"
        return f"{self.container.name}, {layout}"


TRACKS = (MIC_TRACK, ASSISTANT_TRACK)
ALL_FORMATS = tuple(RecordingFormat(c, t) for c in AudioContainer for t in TrackLayout)
