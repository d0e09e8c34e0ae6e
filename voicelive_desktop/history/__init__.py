"""Conversation history: finished turns from engine events, kept in SQLite, searched, exported."""

from voicelive_desktop.history.export import (
    export_conversation,
    to_json,
    to_markdown,
    turn_caption,
)
from voicelive_desktop.history.recorder import HistoryRecorder, open_recorder, start_recording
from voicelive_desktop.history.records import Conversation, ConversationSummary, SearchHit, Turn
from voicelive_desktop.history.store import HistoryStore, HistoryUnavailable, default_history_path

__all__ = [
    "Conversation",
    "ConversationSummary",
    "HistoryRecorder",
    "HistoryStore",
    "HistoryUnavailable",
    "SearchHit",
    "Turn",
    "default_history_path",
    "export_conversation",
    "open_recorder",
    "start_recording",
    "to_json",
    "to_markdown",
    "turn_caption",
]
