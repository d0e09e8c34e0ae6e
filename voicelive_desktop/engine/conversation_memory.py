"""The recent finished turns, kept to restore context on a new connection after a drop."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

from azure.ai.voicelive.models import (
    AssistantMessageItem,
    InputTextContentPart,
    MessageItem,
    OutputTextContentPart,
    UserMessageItem,
)

Role = Literal["user", "assistant"]

DEFAULT_MAX_TURNS = 20


@dataclass(frozen=True)
class RememberedTurn:
    role: Role
    text: str


class ConversationMemory:
    """A bounded list of finished turns in order, turned into conversation items on demand."""

    def __init__(self, max_turns: int = DEFAULT_MAX_TURNS) -> None:
        self._turns: deque[RememberedTurn] = deque(maxlen=max_turns)

    def remember(self, role: Role, text: str) -> None:
        """Keep a finished turn; empty text carries no context and is skipped."""
        text = text.strip()
        if text:
            self._turns.append(RememberedTurn(role, text))

    def clear(self) -> None:
        self._turns.clear()

    @property
    def turns(self) -> tuple[RememberedTurn, ...]:
        return tuple(self._turns)

    def as_items(self) -> list[MessageItem]:
        """The turns as items for `conversation.item.create`, oldest first."""
        items: list[MessageItem] = []
        for turn in self._turns:
            if turn.role == "user":
                items.append(UserMessageItem(content=[InputTextContentPart(text=turn.text)]))
            else:
                items.append(AssistantMessageItem(content=[OutputTextContentPart(text=turn.text)]))
        return items
