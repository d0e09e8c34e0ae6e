"""The recent finished turns, kept to restore context on a new connection after a drop."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

from azure.ai.voicelive.models import (
    AssistantMessageItem,
    ConversationRequestItem,
    FunctionCallItem,
    FunctionCallOutputItem,
    InputTextContentPart,
    OutputTextContentPart,
    UserMessageItem,
)

Role = Literal["user", "assistant"]

DEFAULT_MAX_TURNS = 20


@dataclass(frozen=True)
class RememberedTurn:
    role: Role
    text: str


@dataclass(frozen=True)
class RememberedCall:
    """A tool call that finished with an output the model was sent; `text` is that output."""

    call_id: str
    name: str
    arguments: str
    text: str
    role: Literal["tool"] = "tool"


class ConversationMemory:
    """A bounded list of finished turns and tool calls in conversation order, turned into
    conversation items on demand.

    A call and its output are one entry, so the bound never keeps an output whose call it
    dropped (the service refuses an output for a call_id it does not know).
    """

    def __init__(self, max_turns: int = DEFAULT_MAX_TURNS) -> None:
        self._turns: deque[RememberedTurn | RememberedCall] = deque(maxlen=max_turns)

    def remember(self, role: Role, text: str) -> None:
        """Keep a finished turn; empty text carries no context and is skipped."""
        text = text.strip()
        if text:
            self._turns.append(RememberedTurn(role, text))

    def remember_call(self, call_id: str, name: str, arguments: str, output: str) -> None:
        """Keep a tool call whose output was sent, at its place in the conversation."""
        self._turns.append(RememberedCall(call_id, name, arguments, output))

    def clear(self) -> None:
        self._turns.clear()

    @property
    def turns(self) -> tuple[RememberedTurn | RememberedCall, ...]:
        return tuple(self._turns)

    def as_items(self) -> list[ConversationRequestItem]:
        """The turns as items for `conversation.item.create`, oldest first."""
        items: list[ConversationRequestItem] = []
        for turn in self._turns:
            if isinstance(turn, RememberedCall):
                items.append(
                    FunctionCallItem(call_id=turn.call_id, name=turn.name, arguments=turn.arguments)
                )
                items.append(FunctionCallOutputItem(call_id=turn.call_id, output=turn.text))
            elif turn.role == "user":
                items.append(UserMessageItem(content=[InputTextContentPart(text=turn.text)]))
            else:
                items.append(AssistantMessageItem(content=[OutputTextContentPart(text=turn.text)]))
        return items
