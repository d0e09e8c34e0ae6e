"""Function-call items in the simulated conversation: the client's outputs, checked like the
service checks them, and which calls still wait for one.

OpenAI Realtime reference, conversation.item.create: "If passed on a function_call_output
item, the server will check that a function_call item with the same ID exists in the
conversation history." The service answers an unknown one with
`Tool call ID '<id>' not found in conversation.` (type invalid_request_error, code
invalid_tool_call_id; quoted in livekit/agents#3344). The Voice Live reference (2026-04-10)
lists the same `function_call` / `function_call_output` item types.
"""

from __future__ import annotations

import copy
from typing import Any

from voicelive_desktop.simulator import wire
from voicelive_desktop.simulator.conversation import Conversation, ConversationItem

FUNCTION_CALL = "function_call"
FUNCTION_CALL_OUTPUT = "function_call_output"
CALL_ITEM_TYPES = frozenset({FUNCTION_CALL, FUNCTION_CALL_OUTPUT})


class CallItemError(ValueError):
    """An item the service would reject; `param` names the field, `code` the error code."""

    def __init__(self, message: str, param: str, code: str = "invalid_value") -> None:
        super().__init__(message)
        self.param = param
        self.code = code


def _required_text(value: dict[str, Any], key: str) -> str:
    text = value.get(key)
    if not isinstance(text, str):
        raise CallItemError(
            f"Missing required parameter: 'item.{key}' (a string).",
            f"item.{key}",
            "missing_required_parameter",
        )
    return text


def call_item_from_client(conversation: Conversation, value: dict[str, Any]) -> ConversationItem:
    """A function_call (a context replay) or function_call_output item the client created."""
    kind = value["type"]
    call_id = _required_text(value, "call_id")
    if kind == FUNCTION_CALL:
        _required_text(value, "name")
        _required_text(value, "arguments")
    else:
        _required_text(value, "output")
        if find_call(conversation, call_id) is None:
            raise CallItemError(
                f"Tool call ID '{call_id}' not found in conversation.",
                "item.call_id",
                "invalid_tool_call_id",
            )
    raw = copy.deepcopy(value)
    raw.update(id=value.get("id") or wire.new_id("item"), object="realtime.item")
    raw.setdefault("status", "completed")
    return ConversationItem(raw["id"], kind, raw)


def function_call_item(item_id: str, call_id: str, name: str, arguments: str, status: str) -> Any:
    """A function_call item as a response streams it (arguments "" while in progress)."""
    return {
        "id": item_id,
        "object": "realtime.item",
        "type": FUNCTION_CALL,
        "status": status,
        "name": name,
        "call_id": call_id,
        "arguments": arguments,
    }


def find_call(conversation: Conversation, call_id: str) -> ConversationItem | None:
    for item in conversation.items():
        if item.role == FUNCTION_CALL and item.raw.get("call_id") == call_id:
            return item
    return None


def _since_last_message(conversation: Conversation) -> list[ConversationItem]:
    items = conversation.items()
    for index in range(len(items) - 1, -1, -1):
        if items[index].role not in CALL_ITEM_TYPES:
            return items[index + 1 :]
    return items


def calls_waiting_for_output(conversation: Conversation) -> list[str]:
    """The call_ids of the latest calls (after the last message) that have no output yet.

    A newer message supersedes older calls: a call cut off by the user's next turn never
    blocks the conversation.
    """
    recent = _since_last_message(conversation)
    answered = {i.raw.get("call_id") for i in recent if i.role == FUNCTION_CALL_OUTPUT}
    return [
        str(i.raw.get("call_id"))
        for i in recent
        if i.role == FUNCTION_CALL and i.raw.get("call_id") not in answered
    ]


def latest_outputs(conversation: Conversation) -> list[tuple[str, str]]:
    """(tool name, output) of every output after the last message, in order; [] when the
    newest item is not an output (nothing for a response to report on)."""
    recent = _since_last_message(conversation)
    if not recent or recent[-1].role != FUNCTION_CALL_OUTPUT:
        return []
    names = {
        i.raw.get("call_id"): str(i.raw.get("name")) for i in recent if i.role == FUNCTION_CALL
    }
    return [
        (names.get(i.raw.get("call_id"), "tool"), str(i.raw.get("output")))
        for i in recent
        if i.role == FUNCTION_CALL_OUTPUT
    ]
