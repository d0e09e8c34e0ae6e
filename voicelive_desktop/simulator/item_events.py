"""Client events on conversation items (create, delete, retrieve, truncate) -> the one reply."""

from __future__ import annotations

from voicelive_desktop.simulator import wire
from voicelive_desktop.simulator.conversation import ROOT, Conversation
from voicelive_desktop.simulator.function_call_items import (
    CALL_ITEM_TYPES,
    CallItemError,
    call_item_from_client,
)
from voicelive_desktop.simulator.items import ItemError, item_from_client
from voicelive_desktop.simulator.wire import Event


def create_item(conversation: Conversation, event: Event) -> Event:
    """conversation.item.create -> conversation.item.created, or the error."""
    value = event.get("item")
    try:
        if isinstance(value, dict) and value.get("type") in CALL_ITEM_TYPES:
            item = call_item_from_client(conversation, value)
        else:
            item = item_from_client(value)
    except (ItemError, CallItemError) as error:
        return wire.error_for(event, str(error), error.code, error.param)
    wanted_previous = event.get("previous_item_id")
    if wanted_previous not in (None, ROOT) and (
        not isinstance(wanted_previous, str) or conversation.get(wanted_previous) is None
    ):
        return wire.error_for(
            event,
            f"Item with id {wanted_previous!r} not found.",
            "item_not_found",
            "previous_item_id",
        )
    if conversation.get(item.item_id) is not None:
        return wire.error_for(
            event, f"Item with id {item.item_id!r} already exists.", "duplicate_item_id", "item.id"
        )
    previous = conversation.add(item, wanted_previous)
    return {"type": "conversation.item.created", "previous_item_id": previous, "item": item.raw}


def delete_item(conversation: Conversation, event: Event) -> Event:
    """conversation.item.delete -> conversation.item.deleted, or the error."""
    item_id = event.get("item_id")
    if not isinstance(item_id, str) or not conversation.delete(item_id):
        return wire.error_for(
            event, f"Item with id {item_id!r} not found.", "item_not_found", "item_id"
        )
    return {"type": "conversation.item.deleted", "item_id": item_id}


def retrieve_item(conversation: Conversation, event: Event) -> Event:
    """conversation.item.retrieve -> conversation.item.retrieved, or the error."""
    item_id = event.get("item_id")
    item = conversation.get(item_id) if isinstance(item_id, str) else None
    if item is None:
        return wire.error_for(
            event, f"Item with id {item_id!r} not found.", "item_not_found", "item_id"
        )
    return {"type": "conversation.item.retrieved", "item": item.raw}


def truncate_item(conversation: Conversation, event: Event) -> Event:
    """Cut an assistant item's audio at what the listener heard (barge-in)."""
    item_id, end_ms = event.get("item_id"), event.get("audio_end_ms")
    content_index = event.get("content_index", 0)
    item = conversation.get(item_id) if isinstance(item_id, str) else None
    if item is None or item.role != "assistant":
        return wire.error_for(
            event,
            f"No assistant item with id {item_id!r} to truncate.",
            "item_not_found",
            "item_id",
        )
    if content_index != 0:
        return wire.error_for(
            event,
            f"Invalid 'content_index' {content_index!r}: only 0 (the audio part) can be truncated.",
            "invalid_value",
            "content_index",
        )
    if not isinstance(end_ms, int) or isinstance(end_ms, bool) or end_ms < 0:
        return wire.error_for(
            event,
            f"Invalid 'audio_end_ms' {end_ms!r}: expected a non-negative integer.",
            "invalid_value",
            "audio_end_ms",
        )
    if end_ms > item.audio_ms:
        return wire.error_for(
            event,
            f"audio_end_ms {end_ms} is beyond the item's {item.audio_ms} ms of audio.",
            "invalid_value",
            "audio_end_ms",
        )
    item.audio_ms = end_ms
    return {
        "type": "conversation.item.truncated",
        "item_id": item_id,
        "content_index": 0,
        "audio_end_ms": end_ms,
    }
