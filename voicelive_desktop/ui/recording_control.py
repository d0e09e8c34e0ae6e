"""Starts and stops conversation recordings as the user asks and sessions come and go."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from voicelive_desktop.engine.events import (
    AssistantAudioReceived,
    AssistantInterrupted,
    EngineEvent,
)
from voicelive_desktop.recording import (
    ConversationRecorder,
    RecordingFormat,
    Take,
    new_take,
    recording_takes,
)
from voicelive_desktop.ui.audio_save_dialog import ask_audio_target
from voicelive_desktop.ui.audio_saver import AudioSaver
from voicelive_desktop.ui.recording_indicator import RecordingIndicator
from voicelive_desktop.voice_session import VoiceSession

log = logging.getLogger(__name__)


class RecordingControl(QObject):
    """Owns the open recording: one take (a stereo file or two tracks, WAV or FLAC as
    `audio_format` says) per voice session and conversation while the user has recording on.
    It taps audio already on the event loop (the mic frames VoiceSession hands over, the
    assistant audio the engine reports), never the audio callbacks.
    """

    def __init__(
        self,
        indicator: RecordingIndicator,
        folder: Path,
        conversation_id: Callable[[], str],
        on_problem: Callable[[str], None],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.indicator = indicator
        self.folder = folder
        self._conversation_id = conversation_id
        self._on_problem = on_problem
        self.session: VoiceSession | None = None
        self.recorder: ConversationRecorder | None = None
        # The settings' choice; the controller keeps it current. The next take uses it.
        self.audio_format: Callable[[], RecordingFormat] = RecordingFormat
        indicator.toggled.connect(self.set_recording)
        indicator.save_action.triggered.connect(self._ask_save)
        self.saver = AudioSaver(self)
        self.saver.finished.connect(lambda _paths: self._update_save())
        self.saver.failed.connect(self._on_problem)
        self.saver.failed.connect(lambda _reason: self._update_save())
        self._update_save()

    def set_recording(self, on: bool) -> None:
        """The user turned recording on or off."""
        if on and self.session is None:
            self._on_problem(
                "Recording starts when a voice session is connected (it needs the microphone "
                "and the speaker)."
            )
        if on:
            self._start()
        else:
            self._stop()

    def attach(self, session: object) -> None:
        """A session opened: record it if recording is on and it has sound."""
        self.detach()
        if isinstance(session, VoiceSession):
            self.session = session
            if self.indicator.armed:
                self._start()

    def detach(self) -> None:
        """The session closed: finish its file."""
        self._stop()
        self.session = None

    def new_conversation(self) -> None:
        """The conversation changed (Clear): the next audio goes into its own file."""
        if self.recorder is not None:
            self._stop()
            self._start()
        self._update_save()

    def show_event(self, event: EngineEvent) -> None:
        recorder = self.recorder
        if recorder is None:
            return
        if isinstance(event, AssistantAudioReceived):
            recorder.add_assistant(event.item_id, event.pcm16)
        elif isinstance(event, AssistantInterrupted):
            recorder.flush_assistant()

    def _mic(self, pcm16: bytes) -> None:
        recorder = self.recorder
        if recorder is None or self.session is None:
            return
        # Per mic frame, only while recording: what the speaker played since the last one.
        recorder.release_played(self.session.playback.played_ms)
        recorder.add_mic(pcm16)
        if not recorder.recording:  # a write failed and the recorder gave up
            self._stop()
            self.indicator.set_armed(False)
            self._on_problem(f"Recording stopped: {recorder.paths[0]} could not be written.")

    def _start(self) -> None:
        if self.recorder is not None or self.session is None:
            return
        take = new_take(self.folder, self._conversation_id(), datetime.now())
        try:
            self.recorder = ConversationRecorder(take, self.audio_format())
        except OSError as error:
            self.indicator.set_armed(False)
            reason = error.strerror or str(error)
            self._on_problem(f"Recording could not start: {take}: {reason}")
            return
        log.info("recording to %s", ", ".join(str(p) for p in self.recorder.paths))
        # Tapped only while recording: the session splits the mic out of a stereo wire
        # frame just for its taps.
        self.session.mic_taps.append(self._mic)
        self.indicator.show_recording(True)

    def _stop(self) -> None:
        recorder, self.recorder = self.recorder, None
        if self.session is not None and self._mic in self.session.mic_taps:
            self.session.mic_taps.remove(self._mic)
        if recorder is not None:
            recorder.stop()
        self.indicator.show_recording(False)
        self._update_save()

    def _update_save(self) -> None:
        self.indicator.save_action.setEnabled(bool(self.recordings()) and not self.saver.busy)

    def recordings(self) -> list[Take]:
        """The finished takes of the current conversation."""
        active = set(self.recorder.paths) if self.recorder is not None else set()
        takes = recording_takes(self.folder, self._conversation_id())
        return [t for t in takes if not active.intersection(t.files)]

    def _ask_save(self) -> None:
        parent = self.indicator.window()
        answer = ask_audio_target(
            parent if isinstance(parent, QWidget) else None, "conversation", self.audio_format()
        )
        if answer is not None:
            self.save_audio(*answer)

    def save_audio(self, target: Path, audio_format: RecordingFormat) -> None:
        """Save the conversation's takes (one after another) as one recording at `target`,
        off the GUI thread; Save is greyed out meanwhile, and a failure is said."""
        self.indicator.save_action.setEnabled(False)
        self.saver.start(self.recordings(), target, audio_format)
