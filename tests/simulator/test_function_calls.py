"""Function calls in the simulator, through the real SDK: typed classes, matching, errors."""

from __future__ import annotations

import json

import pytest
from azure.ai.voicelive.aio import VoiceLiveConnection
from azure.ai.voicelive.models import (
    FunctionCallOutputItem,
    FunctionTool,
    InputTextContentPart,
    RequestSession,
    ResponseFunctionCallItem,
    ServerEventResponseFunctionCallArgumentsDelta,
    ServerEventResponseFunctionCallArgumentsDone,
    UserMessageItem,
)

from tests.simulator.sdk_client import events_until, next_event, types
from voicelive_desktop.simulator.function_calls import match_calls

_ALL = {
    "get_current_time",
    "set_timer",
    "list_timers",
    "search_conversation_history",
    "take_note",
    "read_clipboard",
    "write_clipboard",
    "open_url",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What time is it?", [("get_current_time", {})]),
        ("what's the date", [("get_current_time", {})]),
        ("What’s the time?", [("get_current_time", {})]),
        ("Set a timer for 10 seconds", [("set_timer", {"seconds": 10})]),
        ("set a timer for 2 minutes", [("set_timer", {"seconds": 120})]),
        ("Search my history for Mars", [("search_conversation_history", {"query": "Mars"})]),
        ("take a note: buy Milk.", [("take_note", {"text": "buy Milk"})]),
        ("show my timers", [("list_timers", {})]),
        (
            "Set a timer for 5 seconds and what time is it?",
            [("set_timer", {"seconds": 5}), ("get_current_time", {})],
        ),
        ("What's on my clipboard?", [("read_clipboard", {})]),
        ("copy Hello there to my clipboard", [("write_clipboard", {"text": "Hello there"})]),
        ("Open example.com.", [("open_url", {"url": "https://example.com"})]),
        (
            "open https://example.com/docs?x=1!",
            [("open_url", {"url": "https://example.com/docs?x=1"})],
        ),
        (
            "open http://localhost.test:8080/",
            [("open_url", {"url": "http://localhost.test:8080/"})],
        ),
        ("Open the pod bay doors.", []),
        ("open notes.txt", []),
        ("Open www.example.co.uk/news", [("open_url", {"url": "https://www.example.co.uk/news"})]),
        ("Tell me about time travel.", []),
    ],
)
def test_phrases_call_the_builtins_in_the_order_said(
    text: str, expected: list[tuple[str, dict[str, object]]]
) -> None:
    calls = match_calls(text, _ALL)
    assert [(c.name, json.loads(c.arguments)) for c in calls] == expected


def test_phrases_call_only_tools_the_session_has() -> None:
    assert match_calls("What time is it?", {"set_timer"}) == []
    assert match_calls("What time is it?", set()) == []


def test_explicit_calls_pass_arguments_verbatim() -> None:
    calls = match_calls('call nope({oops) and echo({"a": "(x)"}).', {"echo"})
    assert [(c.name, c.arguments) for c in calls] == [("nope", "{oops"), ("echo", '{"a": "(x)"}')]


async def _with_clock_tool(connection: VoiceLiveConnection) -> None:
    session = RequestSession(
        modalities=["text"],
        tools=[FunctionTool(name="get_current_time", parameters={"type": "object"})],
        tool_choice="auto",
    )
    await connection.session.update(session=session)
    await events_until(connection, "session.updated")


async def _ask(connection: VoiceLiveConnection, text: str) -> None:
    await connection.conversation.item.create(
        item=UserMessageItem(content=[InputTextContentPart(text=text)])
    )
    await events_until(connection, "conversation.item.created")
    await connection.response.create()


@pytest.mark.asyncio
async def test_call_streams_as_sdk_typed_events_and_the_answer_uses_the_output(
    connection: VoiceLiveConnection,
) -> None:
    await _with_clock_tool(connection)
    await _ask(connection, "What time is it?")
    events = await events_until(connection, "response.done")
    assert types(events)[:3] == [
        "response.created",
        "response.output_item.added",
        "conversation.item.created",
    ]
    added = events[1].item
    assert isinstance(added, ResponseFunctionCallItem)
    assert (added.name, added.arguments, added.status) == ("get_current_time", "", "in_progress")
    deltas = [e for e in events if isinstance(e, ServerEventResponseFunctionCallArgumentsDelta)]
    done = next(e for e in events if isinstance(e, ServerEventResponseFunctionCallArgumentsDone))
    assert "".join(d.delta for d in deltas) == done.arguments == "{}"
    assert (done.name, done.call_id) == ("get_current_time", added.call_id)
    finished = events[-1].response
    assert finished.status == "completed"
    assert isinstance(finished.output[0], ResponseFunctionCallItem)
    assert finished.output[0].status == "completed"

    output = json.dumps({"time": "09:30", "date": "Friday 1 May 2026", "time_zone": "BST"})
    await connection.conversation.item.create(
        item=FunctionCallOutputItem(call_id=done.call_id, output=output)
    )
    assert (await next_event(connection)).type == "conversation.item.created"
    await connection.response.create()
    answer = await events_until(connection, "response.done")
    assert answer[-1].response.output[0].content[0].text == (
        "It is 09:30 BST on Friday 1 May 2026."
    )


@pytest.mark.asyncio
async def test_response_create_before_the_outputs_is_an_error(
    connection: VoiceLiveConnection,
) -> None:
    await _with_clock_tool(connection)
    await _ask(connection, "What time is it?")
    events = await events_until(connection, "response.done")
    call_id = events[-1].response.output[0].call_id
    await connection.response.create()
    error = await next_event(connection)
    assert error.type == "error"
    assert error.error.code == "missing_tool_output"
    assert call_id in error.error.message
    # A new user turn supersedes the unanswered call.
    await _ask(connection, "Hello again")
    reply = await events_until(connection, "response.done")
    assert reply[-1].response.output[0].content[0].text.startswith("You typed: Hello again.")


@pytest.mark.asyncio
async def test_output_for_an_unknown_call_id_is_an_error(connection: VoiceLiveConnection) -> None:
    await connection.conversation.item.create(
        item=FunctionCallOutputItem(call_id="call_nobody", output="{}")
    )
    error = await next_event(connection)
    assert error.type == "error"
    assert error.error.code == "invalid_tool_call_id"
    assert error.error.message == "Tool call ID 'call_nobody' not found in conversation."


@pytest.mark.asyncio
async def test_no_tools_means_no_calls(connection: VoiceLiveConnection) -> None:
    await connection.session.update(session=RequestSession(modalities=["text"]))
    await events_until(connection, "session.updated")
    await _ask(connection, "What time is it?")
    events = await events_until(connection, "response.done")
    assert "response.function_call_arguments.done" not in types(events)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("tools", "choice", "param"),
    [
        ([{"type": "function", "name": "bad name"}], "auto", "session.tools[0].name"),
        (
            [{"type": "function", "name": "a"}, {"type": "function", "name": "a"}],
            "auto",
            "session.tools[1].name",
        ),
        (
            [{"type": "function", "name": "a", "parameters": []}],
            "auto",
            "session.tools[0].parameters",
        ),
        ([{"type": "function", "name": "a"}], "sometimes", "session.tool_choice"),
        ([], {"type": "function", "name": "a"}, "session.tool_choice"),
    ],
)
async def test_unusable_function_tools_are_refused(
    connection: VoiceLiveConnection, tools: list[dict[str, object]], choice: object, param: str
) -> None:
    await connection.send(
        {"type": "session.update", "session": {"tools": tools, "tool_choice": choice}}
    )
    error = await next_event(connection)
    assert error.type == "error" and error.error.param == param
