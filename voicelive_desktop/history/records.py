"""What the history holds, as the app reads it back: turns, conversations, search hits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from voicelive_desktop.history.tool_call_record import ToolCallRecord
from voicelive_desktop.history.turn_usage import TurnUsage


@dataclass(frozen=True)
class Turn:
    """One finished turn of a conversation, as the user saw or heard it."""

    role: str  # "user" or "assistant"
    text: str
    started_at: datetime  # timezone-aware UTC
    ended_at: datetime
    interrupted: bool = False
    latency_ms: float | None = None  # speech end (or text sent) → first assistant audio
    item_id: str = ""  # the service's conversation item id, when known
    usage: TurnUsage | None = None  # assistant turns: tokens billed and estimated cost
    tool_calls: tuple[ToolCallRecord, ...] = ()  # user turns: the calls made to answer it


@dataclass(frozen=True)
class ConversationSummary:
    """One row of the conversation list."""

    id: str
    title: str
    started_at: datetime
    updated_at: datetime
    turn_count: int


@dataclass(frozen=True)
class Conversation:
    """A whole past conversation, turns in the order they started."""

    id: str
    title: str
    started_at: datetime
    updated_at: datetime
    turns: tuple[Turn, ...]
    # Every tool call in the order it started, also those with no stored turn to belong to.
    tool_calls: tuple[ToolCallRecord, ...] = ()


@dataclass(frozen=True)
class SearchHit:
    """A turn whose text matched a search, with the conversation it belongs to."""

    conversation_id: str
    conversation_title: str
    turn: Turn
