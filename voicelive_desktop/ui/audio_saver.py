"""Saves a conversation's recordings on a thread of its own, reporting back on the GUI thread."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal, SignalInstance

from voicelive_desktop.recording import RecordingFormat, Take, save_recordings

log = logging.getLogger(__name__)


class AudioSaver(QObject):
    """Owns one save at a time: `start` returns at once, the takes are read and encoded off the
    GUI thread (an hour of FLAC takes seconds), and `finished` brings the files written, or
    `failed` one sentence, back to the GUI thread. The app collects garbage on the GUI thread
    only (ui.main_thread_gc), so the worker's Python allocations cannot free a Qt object."""

    finished = Signal(list)  # the paths written
    failed = Signal(str)  # why nothing was saved

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.busy = False  # from start until its outcome arrives on the GUI thread
        # Connected first, so the outcome's other receivers already see it done.
        self.finished.connect(self._done)
        self.failed.connect(self._done)

    def _done(self, _outcome: object) -> None:
        self.busy = False

    def start(self, takes: list[Take], target: Path, audio_format: RecordingFormat) -> None:
        """Save `takes` as `audio_format` at `target` (see recording.save_recordings)."""
        if self.busy:
            self.failed.emit("Another save is still running.")
            return
        self.busy = True
        # Not a daemon: a save under way when the app quits is finished, not cut off.
        threading.Thread(
            target=self._run, args=(takes, target, audio_format), name="audio-save"
        ).start()

    def _run(self, takes: list[Take], target: Path, audio_format: RecordingFormat) -> None:
        try:
            saved = save_recordings(takes, target, audio_format)
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            log.warning("audio not saved to %s: %s", target, reason)
            self._report(self.failed, f"The audio could not be saved to {target}: {reason}")
            return
        log.info("audio saved: %s", ", ".join(str(p) for p in saved))
        self._report(self.finished, saved)

    def _report(self, signal: SignalInstance, value: object) -> None:
        try:  # queued to the GUI thread, as this object lives there
            signal.emit(value)
        except RuntimeError:  # the window that asked was closed meanwhile
            log.info("audio save finished after its window closed")
