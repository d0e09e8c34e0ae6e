"""The recent finished turns, kept to restore context on a new connection after a drop."""

from __future__ import annotations

import itertools
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

from voicelive_desktop.engine.conversation_order import ConversationOrder

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
    """A bounded list of finished turns and tool calls in conversation order (not the order
    their text arrived in: a user's transcript can come after the answer), turned into
    conversation items on demand.

    A call and its output are one entry, so the bound never keeps an output whose call it
    dropped (the service refuses an output for a call_id it does not know).
    """

    def __init__(self, max_turns: int = DEFAULT_MAX_TURNS) -> None:
        self._max_turns = max_turns
        self.order = ConversationOrder()
        self._entries: dict[str, RememberedTurn | RememberedCall] = {}
        self._local_ids = (f"local_{n}" for n in itertools.count(1))

    def place(self, item_id: str, previous_item_id: str | None) -> None:
        """The service created `item_id` after `previous_item_id` (its text may come later)."""
        self.order.place(item_id, previous_item_id)

    def remember(self, role: Role, text: str, item_id: str = "") -> None:
        """Keep a finished turn at its item's place; empty text carries no context."""
        text = text.strip()
        if text:
            self._keep(item_id or next(self._local_ids), RememberedTurn(role, text))

    @staticmethod
    def call_key(call_id: str) -> str:
        """Where a call (its function_call and output items, one entry) sits in the order."""
        return f"call:{call_id}"

    def remember_call(self, call_id: str, name: str, arguments: str, output: str) -> None:
        """Keep a tool call whose output was sent, at its function_call item's place."""
        self._keep(self.call_key(call_id), RememberedCall(call_id, name, arguments, output))

    def _keep(self, key: str, entry: RememberedTurn | RememberedCall) -> None:
        self.order.place(key, None)  # at the end, unless the service placed it before
        self._entries[key] = entry
        if len(self._entries) > self._max_turns:
            for old in [i for i in self.order.ids if i in self._entries][: -self._max_turns]:
                del self._entries[old]

    def clear(self) -> None:
        self._entries.clear()
        self.order.clear()

    @property
    def turns(self) -> tuple[RememberedTurn | RememberedCall, ...]:
        placed = set(self.order.ids)
        # An entry whose id the order has forgotten is older than any it keeps.
        older = [entry for key, entry in self._entries.items() if key not in placed]
        ordered = [self._entries[key] for key in self.order.ids if key in self._entries]
        return tuple([*older, *ordered][-self._max_turns :])

    def as_items(self) -> list[ConversationRequestItem]:
        """The turns as items for `conversation.item.create`, oldest first."""
        items: list[ConversationRequestItem] = []
        for turn in self.turns:
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
