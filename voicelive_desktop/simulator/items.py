"""Conversation items from the client's conversation.item.create, checked like the service does."""

from __future__ import annotations

import copy
from typing import Any

from voicelive_desktop.simulator import wire
from voicelive_desktop.simulator.conversation import ConversationItem

_ROLES = frozenset({"user", "assistant", "system"})
# Text parts must carry their text; audio parts may come without a transcript.
_TEXT_REQUIRED = frozenset({"input_text", "text", "output_text"})
# Where each content part type keeps its words.
_TEXT_FIELDS = {
    "input_text": "text",
    "text": "text",
    "output_text": "text",
    "input_audio": "transcript",
    "audio": "transcript",
}


class ItemError(ValueError):
    """An item the service would reject; `param` names the offending field."""

    def __init__(self, message: str, param: str, code: str = "invalid_value") -> None:
        super().__init__(message)
        self.param = param
        self.code = code


def item_from_client(value: Any) -> ConversationItem:
    """A message item as created by the client, echoed back with id, object and status."""
    if not isinstance(value, dict):
        raise ItemError("Missing required parameter: 'item' (an object).", "item")
    if value.get("type") != "message":
        raise ItemError(
            f"Invalid 'item.type' {value.get('type')!r}: the offline simulator accepts "
            "'message', 'function_call' and 'function_call_output' items.",
            "item.type",
        )
    role = value.get("role")
    if role not in _ROLES:
        raise ItemError(
            f"Invalid 'item.role' {role!r}: use user, assistant or system.", "item.role"
        )
    content = value.get("content")
    if not isinstance(content, list) or not content:
        raise ItemError("'item.content' must be a non-empty list of content parts.", "item.content")
    texts: list[str] = []
    for index, part in enumerate(content):
        kind = part.get("type") if isinstance(part, dict) else None
        field = _TEXT_FIELDS.get(kind) if isinstance(kind, str) else None
        if field is None:
            raise ItemError(
                f"Invalid content part at item.content[{index}]: expected a "
                f"type among {', '.join(sorted(_TEXT_FIELDS))}.",
                f"item.content[{index}].type",
            )
        words = part.get(field)
        if words is None and kind in _TEXT_REQUIRED:
            raise ItemError(
                f"Missing required parameter: 'item.content[{index}].{field}'.",
                f"item.content[{index}].{field}",
                code="missing_required_parameter",
            )
        if words is not None and not isinstance(words, str):
            raise ItemError(
                f"'item.content[{index}].{field}' must be a string.",
                f"item.content[{index}].{field}",
            )
        texts.append(words or "")
    item_id = value.get("id")
    if item_id is not None and (not isinstance(item_id, str) or not item_id):
        raise ItemError("'item.id' must be a non-empty string.", "item.id")
    raw = copy.deepcopy(value)
    raw.update(id=item_id or wire.new_id("item"), object="realtime.item", status="completed")
    return ConversationItem(raw["id"], role, raw, text=" ".join(t for t in texts if t))


def item_from_user_audio(
    item_id: str, raw: dict[str, Any], speech_ms: int, transcript: str
) -> ConversationItem:
    """The user item a committed input audio buffer becomes."""
    return ConversationItem(item_id, "user", raw, text=transcript, speech_ms=speech_ms)
