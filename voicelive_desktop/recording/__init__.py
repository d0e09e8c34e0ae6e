"""Conversation audio recording: the mic and the assistant as stereo or two-track WAV or FLAC,
beside the history."""

from voicelive_desktop.recording.conversation_recorder import ConversationRecorder
from voicelive_desktop.recording.files import (
    Take,
    delete_recordings,
    new_take,
    recording_paths,
    recording_takes,
    recordings_dir,
    save_recordings,
)
from voicelive_desktop.recording.formats import (
    ALL_FORMATS,
    AudioContainer,
    RecordingFormat,
    TrackLayout,
)

__all__ = [
    "ALL_FORMATS",
    "AudioContainer",
    "ConversationRecorder",
    "RecordingFormat",
    "Take",
    "TrackLayout",
    "delete_recordings",
    "new_take",
    "recording_paths",
    "recording_takes",
    "recordings_dir",
    "save_recordings",
]
