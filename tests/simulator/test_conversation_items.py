"""Conversation items a client creates (as the engine does to restore context after a reconnect)."""

from __future__ import annotations

import pytest
from azure.ai.voicelive.aio import VoiceLiveConnection
from azure.ai.voicelive.models import (
    AssistantMessageItem,
    InputTextContentPart,
    OutputTextContentPart,
    SystemMessageItem,
    UserMessageItem,
)

from tests.simulator.sdk_client import events_until, next_event

pytestmark = pytest.mark.asyncio


async def created(connection: VoiceLiveConnection) -> tuple[str, str | None]:
    event = await next_event(connection)
    assert event.type == "conversation.item.created", event
    return event.item.id, event.previous_item_id


async def test_restored_turns_chain_in_order_and_the_reply_answers_the_last_user_turn(
    connection: VoiceLiveConnection,
) -> None:
    await connection.conversation.item.create(
        item=SystemMessageItem(id="sys", content=[InputTextContentPart(text="Be kind.")])
    )
    assert await created(connection) == ("sys", None)
    await connection.conversation.item.create(
        item=UserMessageItem(id="u1", content=[InputTextContentPart(text="earlier question")])
    )
    assert await created(connection) == ("u1", "sys")
    await connection.conversation.item.create(
        item=AssistantMessageItem(id="a1", content=[OutputTextContentPart(text="earlier answer")])
    )
    assert await created(connection) == ("a1", "u1")
    await connection.conversation.item.create(
        item=UserMessageItem(id="u2", content=[InputTextContentPart(text="the new one")])
    )
    assert await created(connection) == ("u2", "a1")

    await connection.response.create(response={"modalities": ["text"]})
    events = await events_until(connection, "response.done")
    reply_item = next(e for e in events if e.type == "conversation.item.created")
    assert reply_item.previous_item_id == "u2"
    assert events[-1].response.output[0].content[0].text.startswith("You typed: the new one.")


async def test_items_can_be_inserted_at_the_root_or_after_a_given_item(
    connection: VoiceLiveConnection,
) -> None:
    for item_id in ("first", "second"):
        await connection.conversation.item.create(
            item=UserMessageItem(id=item_id, content=[InputTextContentPart(text=item_id)])
        )
        await created(connection)
    await connection.conversation.item.create(
        item=UserMessageItem(id="at-root", content=[InputTextContentPart(text="x")]),
        previous_item_id="root",
    )
    assert await created(connection) == ("at-root", None)
    await connection.conversation.item.create(
        item=UserMessageItem(id="after-first", content=[InputTextContentPart(text="y")]),
        previous_item_id="first",
    )
    assert await created(connection) == ("after-first", "first")


async def test_unknown_previous_item_and_duplicate_ids_are_errors(
    connection: VoiceLiveConnection,
) -> None:
    await connection.conversation.item.create(
        item=UserMessageItem(id="once", content=[InputTextContentPart(text="x")])
    )
    await created(connection)
    await connection.conversation.item.create(
        item=UserMessageItem(id="once", content=[InputTextContentPart(text="again")])
    )
    duplicate = await next_event(connection)
    assert duplicate.type == "error" and duplicate.error.param == "item.id"
    await connection.conversation.item.create(
        item=UserMessageItem(content=[InputTextContentPart(text="x")]),
        previous_item_id="item_that_never_was",
    )
    unknown = await next_event(connection)
    assert unknown.type == "error" and unknown.error.param == "previous_item_id"


async def test_deleted_items_are_gone(connection: VoiceLiveConnection) -> None:
    await connection.conversation.item.create(
        item=UserMessageItem(id="doomed", content=[InputTextContentPart(text="bye")])
    )
    await created(connection)
    await connection.conversation.item.delete(item_id="doomed")
    deleted = await next_event(connection)
    assert (deleted.type, deleted.item_id) == ("conversation.item.deleted", "doomed")
    await connection.conversation.item.delete(item_id="doomed")
    again = await next_event(connection)
    assert again.type == "error" and again.error.param == "item_id"
    # With its only user turn gone, the reply is the greeting again.
    await connection.response.create(response={"modalities": ["text"]})
    events = await events_until(connection, "response.done")
    assert not events[-1].response.output[0].content[0].text.startswith("You typed")
