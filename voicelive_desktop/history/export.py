"""Exports a stored conversation to Markdown or JSON text and to a file."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from voicelive_desktop import APP_NAME, __version__
from voicelive_desktop.atomic_file import write_text_atomically
from voicelive_desktop.cost.estimate import format_amount
from voicelive_desktop.engine.usage import TokenCounts
from voicelive_desktop.history.records import Conversation, Turn
from voicelive_desktop.history.tool_call_record import ToolCallRecord
from voicelive_desktop.history.turn_usage import TurnUsage

EXPORT_FORMAT_VERSION = 1
_SPEAKERS = {"user": "You", "assistant": "Assistant"}
_CALL_OUTCOMES = {"ok": "done", "failed": "failed", "denied": "denied", "cancelled": "cancelled"}


def turn_caption(turn: Turn, clock: str) -> tuple[str, str]:
    """Who said `turn`, and the facts shown beside it: `clock`, the latency, a cut-off."""
    facts = [clock]
    if turn.latency_ms is not None:
        facts.append(f"{turn.latency_ms:.0f} ms")
    if turn.interrupted:
        facts.append("interrupted")
    if turn.usage is not None:
        facts.append(usage_caption(turn.usage))
    return _SPEAKERS.get(turn.role, turn.role), ", ".join(facts)


def usage_caption(usage: TurnUsage) -> str:
    """ "1,234 tokens, ≈ $0.0123 (estimate)": what a turn cost, always marked as an estimate."""
    text = f"{usage.tokens.total:,} tokens"
    if usage.estimated_cost is not None:
        text += f", ≈ {format_amount(usage.estimated_cost, usage.currency)} (estimate)"
    return text


def _usage_record(usage: TurnUsage | None) -> dict[str, Any] | None:
    if usage is None:
        return None
    return {
        "tokens": usage.tokens.as_dict(),
        "estimated_cost": usage.estimated_cost,
        "currency": usage.currency or None,
        "cost_is_estimate": True,
    }


def conversation_usage(conversation: Conversation) -> TurnUsage | None:
    """The sum of every turn's usage; the cost only when every priced turn used one currency."""
    usages = [turn.usage for turn in conversation.turns if turn.usage is not None]
    if not usages:
        return None
    tokens = TokenCounts()
    for usage in usages:
        tokens = tokens + usage.tokens
    currencies = {usage.currency for usage in usages}
    costs = [usage.estimated_cost for usage in usages]
    if len(currencies) != 1 or any(cost is None for cost in costs):
        return TurnUsage(tokens)
    return TurnUsage(tokens, sum(cost or 0.0 for cost in costs), currencies.pop())


def tool_call_caption(call: ToolCallRecord) -> str:
    """How a stored call ended, in a few words: "done, 12 ms", "denied, 60.0 s"."""
    ms = call.duration_ms
    took = f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"
    return f"{_CALL_OUTCOMES.get(call.status, call.status)}, {took}"


def calls_outside_turns(conversation: Conversation) -> tuple[ToolCallRecord, ...]:
    """Calls kept with no turn to belong to (the question was never stored), in order."""
    in_turns = {call.call_id for turn in conversation.turns for call in turn.tool_calls}
    return tuple(call for call in conversation.tool_calls if call.call_id not in in_turns)


def _tool_call_record(call: ToolCallRecord) -> dict[str, Any]:
    return {
        "call_id": call.call_id,
        "name": call.name,
        "arguments": call.arguments,
        "result": call.result,
        "status": call.status,
        "error": call.error,
        "started_at": _iso(call.started_at),
        "duration_ms": call.duration_ms,
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def _turn_record(turn: Turn) -> dict[str, Any]:
    return {
        "role": turn.role,
        "text": turn.text,
        "started_at": _iso(turn.started_at),
        "ended_at": _iso(turn.ended_at),
        "interrupted": turn.interrupted,
        "latency_ms": turn.latency_ms,
        "item_id": turn.item_id,
        "usage": _usage_record(turn.usage),
        "tool_calls": [_tool_call_record(call) for call in turn.tool_calls],
    }


def to_json(conversation: Conversation) -> str:
    """The conversation as a self-describing JSON document (UTF-8 text, stable key order)."""
    document = {
        "format": "voicelive-desktop-conversation",
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_by": f"{APP_NAME} {__version__}",
        "id": conversation.id,
        "title": conversation.title,
        "started_at": _iso(conversation.started_at),
        "updated_at": _iso(conversation.updated_at),
        "usage_total": _usage_record(conversation_usage(conversation)),
        "turns": [_turn_record(turn) for turn in conversation.turns],
        "tool_calls_outside_turns": [
            _tool_call_record(call) for call in calls_outside_turns(conversation)
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _quote_block(text: str) -> str:
    # Each line as a blockquote line, so Markdown in the text cannot break the document's layout.
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines() or [""])


def _fenced(text: str) -> list[str]:
    # A fence longer than any run of backticks inside, so no text can close it early.
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}text", text, fence]


def _tool_call_markdown(call: ToolCallRecord) -> list[str]:
    details = [f"Arguments: {call.arguments or '{}'}"]
    if call.error:
        details.append(f"Why: {call.error}")
    if call.result:
        details.append(f"Result: {call.result}")
    return [
        f"*Tool call* **{call.name}** ({tool_call_caption(call)})",
        "",
        *_fenced("\n".join(details)),
        "",
    ]


def to_markdown(conversation: Conversation) -> str:
    """The conversation as readable Markdown: a heading, then one quoted block per turn."""
    title = conversation.title or "Conversation"
    lines = [
        f"# {title}",
        "",
        f"Started {conversation.started_at:%Y-%m-%d %H:%M:%S} UTC · "
        f"{len(conversation.turns)} turns · id `{conversation.id}`",
        "",
    ]
    total = conversation_usage(conversation)
    if total is not None:
        lines += [f"Usage: {usage_caption(total)}", ""]
    for turn in conversation.turns:
        speaker, facts = turn_caption(turn, f"{turn.started_at:%H:%M:%S}")
        lines += [f"**{speaker}** ({facts})", "", _quote_block(turn.text), ""]
        for call in turn.tool_calls:
            lines += _tool_call_markdown(call)
    outside = calls_outside_turns(conversation)
    if outside:
        lines += ["## Tool calls without a stored turn", ""]
        for call in outside:
            lines += _tool_call_markdown(call)
    return "\n".join(lines)


def export_conversation(conversation: Conversation, path: Path) -> None:
    """Write `path` atomically: JSON for a `.json` name, Markdown for any other."""
    text = to_json(conversation) if path.suffix.lower() == ".json" else to_markdown(conversation)
    write_text_atomically(path, text)
