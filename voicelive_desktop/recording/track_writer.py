"""Writes a recording's files with libsndfile on a thread of its own, in blocks.

soundfile (libsndfile) encodes WAV and FLAC; why that library: docs/ARCHITECTURE.md. The
event loop (the GUI thread) only queues each frame: FLAC encoding and the disk never hold it.
"""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path

import numpy as np
import soundfile

from voicelive_desktop.protocol import SAMPLE_RATE_HZ
from voicelive_desktop.recording.formats import AudioContainer, RecordingFormat, TrackLayout

log = logging.getLogger(__name__)

_SOUNDFILE_FORMATS = {AudioContainer.WAV: "WAV", AudioContainer.FLAC: "FLAC"}


def open_for_writing(path: Path, container: AudioContainer, channels: int) -> soundfile.SoundFile:
    """A 24 kHz 16-bit file; OSError (with the reason) when it cannot be created."""
    # libsndfile says only "System error": creating the file first gets the OS's own reason
    # (no such folder, permission denied, read-only) into the OSError.
    path.open("wb").close()
    try:
        return soundfile.SoundFile(
            str(path),
            "w",
            samplerate=SAMPLE_RATE_HZ,
            channels=channels,
            subtype="PCM_16",
            format=_SOUNDFILE_FORMATS[container],
        )
    except (soundfile.LibsndfileError, RuntimeError) as error:
        raise OSError(str(error)) from error


class TrackWriter:
    """Owns one take's open files and the thread that writes them.

    `write` takes (frames, 2) int16 blocks, the mic in column 0 and the assistant in column 1,
    and only queues them; the thread writes whatever has queued up as one block: both columns
    into a stereo file, or each into its own mono file. A failed write is kept in `error` and
    ends the writing (the caller stops the recording and says so).
    """

    def __init__(self, take: Path, audio_format: RecordingFormat) -> None:
        self.paths = audio_format.files(take)
        stereo = audio_format.layout is TrackLayout.STEREO
        self._files: list[soundfile.SoundFile] = []
        try:
            for path in self.paths:
                self._files.append(
                    open_for_writing(path, audio_format.container, 2 if stereo else 1)
                )
        except OSError:
            self._close_files()
            raise
        self._queue: queue.SimpleQueue[np.ndarray | None] = queue.SimpleQueue()
        self.error: str | None = None
        self._thread = threading.Thread(target=self._run, name="recording-writer", daemon=True)
        self._thread.start()

    def write(self, block: np.ndarray) -> None:
        """Queue (frames, 2) int16 audio; returns at once."""
        self._queue.put(block)

    def close(self) -> None:
        """Write what is queued, finish the files (their headers get the length) and end the
        thread; safe to call twice."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _run(self) -> None:
        finished = False
        while not finished:
            blocks = [self._queue.get()]
            while True:  # everything queued meanwhile goes in one write
                try:
                    blocks.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if blocks[-1] is None:
                finished = True
            audio = [b for b in blocks if b is not None]
            if audio and self.error is None:
                self._write(np.concatenate(audio))
        self._close_files()

    def _write(self, frames: np.ndarray) -> None:
        try:
            if len(self._files) == 1:
                self._files[0].write(frames)
            else:
                for column, file in enumerate(self._files):
                    file.write(frames[:, column])
        except (OSError, RuntimeError) as error:
            self.error = str(error)
            log.error("recording to %s stopped: %s", self.paths[0], error)

    def _close_files(self) -> None:
        for file in self._files:
            try:
                file.close()
            except (OSError, RuntimeError) as error:
                self.error = self.error or str(error)
                log.error("recording %s could not be finished: %s", file.name, error)
        self._files = []
