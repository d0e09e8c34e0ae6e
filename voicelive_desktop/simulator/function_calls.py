"""Function calling in the simulator: when a typed turn calls a tool, the call's stream, and
the spoken answer that uses the tool's output.

The matching rule (deterministic; the simulator has no model):
1. Tools are called only when the session has at least one function tool, the response
   answers a typed user message (`input_text`, never speech), and that message is the newest
   item of the conversation.
2. A message that starts with "call " lists explicit calls, `NAME(ARGUMENTS)`, separated by
   "," or "and": each becomes a call of NAME with ARGUMENTS sent verbatim, even when NAME is
   not a session tool or ARGUMENTS is not JSON (how tests provoke the client's error paths).
   Example: `call get_current_time({}) and slow_echo({"text": "hi"})`.
3. Otherwise these phrases call the built-in tool named, if the session has it, in the order
   the phrases appear in the message (case-insensitive):
   - "what time is it", "what's the time" (either apostrophe), "what is the date",
     "what day is it"
     -> get_current_time {}
   - "set a timer for N seconds|minutes|hours" -> set_timer {"seconds": N in seconds}
   - "list my timers", "show my timers", "what are my timers" -> list_timers {}
   - "search my history for X" -> search_conversation_history {"query": X}
   - "take a note: X", "make a note that X" -> take_note {"text": X}
   - "what's on my clipboard", "read my clipboard" -> read_clipboard {}
   - "copy X to my clipboard" -> write_clipboard {"text": X}
   - "open ADDRESS", where ADDRESS is a web address: `http(s)://…`, or a host name under a
     common top-level domain (.com .org .net .io .dev .app .ai .edu .gov .info .uk .de .fr;
     not a file name such as notes.txt), which gets `https://` -> open_url {"url": ADDRESS}
4. No match: the ordinary reply (`replies.reply_to_text`).

After the calls, the client sends one function_call_output per call and `response.create`;
that response speaks an answer built from the outputs (`answer_from_outputs`).

Event shapes follow the Voice Live API reference 2026-04-10 and the OpenAI Realtime server
events it extends: `response.output_item.added` with the in-progress `function_call` item
(arguments ""), `conversation.item.created`, `response.function_call_arguments.delta`
(`response_id`, `item_id`, `output_index`, `call_id`, `delta`), `.done` (with `arguments`
and `name`, which the SDK requires though the reference omits it), `response.output_item.done`
with the completed item, and `response.done` listing the items in `output`.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from voicelive_desktop.simulator import wire
from voicelive_desktop.simulator.conversation import Conversation, ConversationItem
from voicelive_desktop.simulator.function_call_items import (
    FUNCTION_CALL,
    function_call_item,
    latest_outputs,
)
from voicelive_desktop.simulator.responses import Send
from voicelive_desktop.simulator.wire import Event

_ARGUMENT_DELTA_CHARS = 16
_EXPLICIT_CALL = re.compile(
    r"([A-Za-z0-9_-]{1,64})\((.*?)\)(?=\s*(?:,|\band\b|[.!?]?\s*$))", re.DOTALL
)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}
_MAX_SPOKEN_OUTPUT = 160


@dataclass(frozen=True)
class PlannedCall:
    name: str
    arguments: str  # JSON text as the 'model' sends it


def _seconds(match: re.Match[str]) -> dict[str, Any]:
    return {"seconds": int(match.group(1)) * _UNIT_SECONDS[match.group(2)[0].lower()]}


def _quoted(key: str) -> Callable[[re.Match[str]], dict[str, Any]]:
    return lambda match: {key: match.group(1).strip()}


def _web_address(match: re.Match[str]) -> dict[str, Any]:
    address = match.group(1).rstrip(".,;:!?")
    has_scheme = address.lower().startswith(("http://", "https://"))
    return {"url": address if has_scheme else f"https://{address}"}


def _phrase(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_PHRASES: list[tuple[str, re.Pattern[str], Callable[[re.Match[str]], dict[str, Any]]]] = [
    (
        "get_current_time",
        _phrase(r"\bwhat time is it\b|\bwhat(?:['’]s| is) the (?:time|date)\b|\bwhat day is it\b"),
        lambda match: {},
    ),
    (
        "set_timer",
        _phrase(r"\bset (?:a |an )?timer for (\d{1,6}) ?(seconds?|secs?|minutes?|mins?|hours?)\b"),
        _seconds,
    ),
    ("list_timers", _phrase(r"\b(?:list|show|what are) (?:my |the )?timers\b"), lambda m: {}),
    (
        "search_conversation_history",
        _phrase(r"\bsearch (?:my |the )?(?:conversation )?history for (.+?)[\s.?!]*$"),
        _quoted("query"),
    ),
    ("take_note", _phrase(r"\b(?:take|make) a note(?: that|:)? (.+?)[\s.?!]*$"), _quoted("text")),
    (
        "read_clipboard",
        _phrase(r"\bwhat(?:['’]s| is) (?:on|in) my clipboard\b|\bread (?:me )?my clipboard\b"),
        lambda match: {},
    ),
    ("write_clipboard", _phrase(r"\bcopy (.+?) to (?:my |the )?clipboard\b"), _quoted("text")),
    (
        "open_url",
        _phrase(
            r"\bopen (https?://\S+|(?:[a-z0-9-]+\.)+"
            r"(?:com|org|net|io|dev|app|ai|edu|gov|info|uk|de|fr)\b(?::\d+)?(?:/\S*)?)"
        ),
        _web_address,
    ),
]


def tool_names(session: dict[str, Any]) -> set[str]:
    """The names of the session's function tools."""
    tools = session.get("tools")
    listed = tools if isinstance(tools, list) else []
    return {
        str(tool.get("name"))
        for tool in listed
        if isinstance(tool, dict) and tool.get("type") == "function"
    }


def match_calls(text: str, available: set[str]) -> list[PlannedCall]:
    """The calls a typed message makes under the module's rule (no tools: none)."""
    if not available:
        return []
    stripped = text.strip()
    if stripped.lower().startswith("call "):
        return [
            PlannedCall(m.group(1), m.group(2))
            for m in _EXPLICIT_CALL.finditer(stripped[len("call ") :])
        ]
    normalized = " ".join(stripped.split())
    found: list[tuple[int, PlannedCall]] = []
    for name, pattern, arguments in _PHRASES:
        if name in available:
            for match in pattern.finditer(normalized):
                found.append((match.start(), PlannedCall(name, json.dumps(arguments(match)))))
    return [call for _, call in sorted(found, key=lambda pair: pair[0])]


def calls_for_turn(conversation: Conversation, session: dict[str, Any]) -> list[PlannedCall]:
    """What a response now should call (rule 1), or [] for an ordinary reply."""
    items = conversation.items()
    if not items:
        return []
    newest = items[-1]
    if newest.role != "user" or newest.speech_ms is not None or not newest.text:
        return []
    return match_calls(newest.text, tool_names(session))


def _sentence(name: str, output: str) -> str:
    try:
        value = json.loads(output)
    except json.JSONDecodeError:
        value = output
    if isinstance(value, dict):
        if isinstance(value.get("error"), str):
            # Said the same for a failure and a refusal: the output is all the model knows.
            return f"I could not use {name}: {value['error']}"
        if name == "get_current_time" and {"time", "date"} <= value.keys():
            zone = f" {value['time_zone']}" if value.get("time_zone") else ""
            return f"It is {value['time']}{zone} on {value['date']}."
        if isinstance(value.get("summary"), str):
            return str(value["summary"])
    shown = " ".join(str(value).split())
    if len(shown) > _MAX_SPOKEN_OUTPUT:
        shown = shown[:_MAX_SPOKEN_OUTPUT].rstrip() + "..."
    return f"The {name} tool returned: {shown}"


def answer_from_outputs(conversation: Conversation) -> str | None:
    """The spoken answer to the newest tool outputs, or None when the newest item is not one.

    A model would paraphrase the outputs; the simulator reads them out (the time, a tool's
    `summary`, an error's message) so a listener hears that the output arrived.
    """
    outputs = latest_outputs(conversation)
    if not outputs:
        return None
    return " ".join(_sentence(name, output) for name, output in outputs)


class FunctionCallStream:
    """Streams one response made of function calls; same interface as ResponseStream."""

    def __init__(
        self,
        *,
        send: Send,
        conversation: Conversation,
        calls: list[PlannedCall],
        modalities: list[str],
    ) -> None:
        self.response_id = wire.new_id("resp")
        self._send = send
        self._conversation = conversation
        self._calls = calls
        self._modalities = modalities
        self._cancelled = False
        self._cancel_reason = "client_cancelled"

    def cancel(self, reason: str = "client_cancelled") -> None:
        if not self._cancelled:
            self._cancelled, self._cancel_reason = True, reason

    async def run(self) -> None:
        await self._send(wire.response_created(self.response_id, self._modalities))
        done: list[Event] = []
        for index, call in enumerate(self._calls):
            if self._cancelled:
                break
            done.append(await self._stream_call(index, call))
        status = "cancelled" if self._cancelled else "completed"
        details = {"type": "cancelled", "reason": self._cancel_reason} if self._cancelled else None
        tokens = sum(len(call.arguments) // 4 + 5 for call in self._calls)
        text_in, audio_in = self._conversation.input_tokens()
        await self._send(
            wire.response_done(
                self.response_id,
                status,
                modalities=self._modalities,
                output=done,
                usage_=wire.usage(text_in, audio_in, tokens, 0),
                status_details=details,
            )
        )

    async def _stream_call(self, index: int, call: PlannedCall) -> Event:
        item_id, call_id = wire.new_id("item"), wire.new_id("call")
        ids = {"response_id": self.response_id, "item_id": item_id, "output_index": index}
        started = function_call_item(item_id, call_id, call.name, "", "in_progress")
        await self._send(
            {
                "type": "response.output_item.added",
                "response_id": self.response_id,
                "output_index": index,
                "item": started,
            }
        )
        item = ConversationItem(item_id, FUNCTION_CALL, started)
        previous = self._conversation.add(item)
        await self._send(
            {"type": "conversation.item.created", "previous_item_id": previous, "item": started}
        )
        text = call.arguments
        for start in range(0, len(text), _ARGUMENT_DELTA_CHARS):
            await self._send(
                {
                    "type": "response.function_call_arguments.delta",
                    **ids,
                    "call_id": call_id,
                    "delta": text[start : start + _ARGUMENT_DELTA_CHARS],
                }
            )
            await asyncio.sleep(0)
            if self._cancelled:
                break
        status = "incomplete" if self._cancelled else "completed"
        item.raw = function_call_item(item_id, call_id, call.name, text, status)
        # Also sent when a response is interrupted (the SDK's docstring of the event).
        await self._send(
            {
                "type": "response.function_call_arguments.done",
                **ids,
                "call_id": call_id,
                "name": call.name,
                "arguments": text,
            }
        )
        await self._send(
            {
                "type": "response.output_item.done",
                "response_id": self.response_id,
                "output_index": index,
                "item": item.raw,
            }
        )
        return item.raw

    def failed_event(self, error: Event) -> Event:
        """The response.done that ends this response when the simulator itself broke."""
        return wire.failed_response_done(self.response_id, self._modalities, error)
