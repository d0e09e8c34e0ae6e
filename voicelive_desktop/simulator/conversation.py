"""The conversation a simulated session holds: items in order, for replies and truncation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The protocol's name for "before every item" in previous_item_id.
ROOT = "root"


@dataclass
class ConversationItem:
    """One item as the simulator needs it; `raw` is the item as echoed to the client."""

    item_id: str
    role: str  # a message's role, else the item type ("function_call", ...)
    raw: dict[str, Any]
    text: str | None = None  # typed text, or an assistant's transcript
    speech_ms: int | None = None  # user audio: how long the voice lasted
    audio_ms: int = 0  # assistant audio generated, the limit for truncation


class Conversation:
    """Items in creation order (bounded by nothing: a demo session is short)."""

    def __init__(self) -> None:
        self._items: list[ConversationItem] = []

    def add(self, item: ConversationItem, previous_item_id: str | None = None) -> str | None:
        """Insert after `previous_item_id` ("root": first, None: last); returns what it follows."""
        index = len(self._items)
        if previous_item_id == ROOT:
            index = 0
        elif previous_item_id is not None:
            found = self.index_of(previous_item_id)
            if found is not None:
                index = found + 1
        self._items.insert(index, item)
        return self._items[index - 1].item_id if index > 0 else None

    def items(self) -> list[ConversationItem]:
        """Every item in conversation order (a copy)."""
        return list(self._items)

    def index_of(self, item_id: str) -> int | None:
        for index, item in enumerate(self._items):
            if item.item_id == item_id:
                return index
        return None

    def get(self, item_id: str) -> ConversationItem | None:
        index = self.index_of(item_id)
        return None if index is None else self._items[index]

    def delete(self, item_id: str) -> bool:
        index = self.index_of(item_id)
        if index is None:
            return False
        del self._items[index]
        return True

    def input_tokens(self) -> tuple[int, int]:
        """Estimated (text, audio) tokens a model would read: the whole conversation."""
        text = sum(
            len((item.text or "").split()) * 4 // 3
            for item in self._items
            if item.speech_ms is None
        )
        audio = sum((item.speech_ms or 0) // 100 for item in self._items)
        return text, audio

    def last_user_item(self) -> ConversationItem | None:
        """The newest user item: what the next reply answers."""
        for item in reversed(self._items):
            if item.role == "user":
                return item
        return None
