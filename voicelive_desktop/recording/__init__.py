"""Conversation audio recording: the mic and the assistant as a stereo WAV beside the history."""

from voicelive_desktop.recording.conversation_recorder import ConversationRecorder
from voicelive_desktop.recording.files import (
    delete_recordings,
    join_recordings,
    new_recording_path,
    recording_paths,
    recordings_dir,
)

__all__ = [
    "ConversationRecorder",
    "delete_recordings",
    "join_recordings",
    "new_recording_path",
    "recording_paths",
    "recordings_dir",
]
