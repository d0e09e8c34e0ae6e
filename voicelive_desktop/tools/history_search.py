"""The `search_conversation_history` tool: full-text search (SQLite FTS5) over past turns.

The search itself is `HistoryStore.search` (FTS5 prefix terms, LIKE without FTS5); this
module turns its hits into short dated excerpts a voice answer can quote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from voicelive_desktop.history.records import SearchHit
from voicelive_desktop.tools.registry import ToolError, ToolPolicy, ToolRisk, ToolSpec

MAX_RESULTS = 5
_EXCERPT_CHARS = 160
_SEARCH_DEPTH = 50  # hits read to find MAX_RESULTS outside the current conversation

Search = Callable[[str, int], list[SearchHit]]


def excerpt(text: str, query: str, width: int = _EXCERPT_CHARS) -> str:
    """About `width` characters of `text` around the first query word found in it."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    lowered = flat.lower()
    found = [lowered.find(word.lower()) for word in query.split()]
    first = min((at for at in found if at >= 0), default=0)
    start = max(0, min(first - width // 3, len(flat) - width))
    if start > 0:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = start + width
    return ("…" if start > 0 else "") + flat[start:end].strip() + ("…" if end < len(flat) else "")


def spoken_when(moment: datetime, now: datetime) -> str:
    """When `moment` was, as a person says it: "today at 09:30", "yesterday at 18:05",
    "on Tuesday 1 December" (both local, aware)."""
    days = (now.date() - moment.date()).days
    if days == 0:
        return f"today at {moment:%H:%M}"
    if days == 1:
        return f"yesterday at {moment:%H:%M}"
    year = f" {moment.year}" if moment.year != now.year else ""
    return f"on {moment:%A} {moment.day} {moment:%B}{year}"


def history_search_tool(
    search: Search,
    current_conversation: Callable[[], str | None],
    now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
) -> ToolSpec:
    """The tool over `search`; turns of the conversation going on now are left out (the model
    has them already, and the question that asked would find itself)."""

    async def search_history(arguments: Mapping[str, Any]) -> dict[str, Any]:
        query = " ".join(str(arguments["query"]).split())
        if not query:
            raise ToolError("The search query is empty; say what to look for.")
        wanted = min(int(arguments.get("limit", MAX_RESULTS)), MAX_RESULTS)
        current = current_conversation()
        hits = [hit for hit in search(query, _SEARCH_DEPTH) if hit.conversation_id != current]
        results = [
            {
                "date": f"{hit.turn.started_at.astimezone():%Y-%m-%d %H:%M}",
                "speaker": "you" if hit.turn.role == "user" else "assistant",
                "conversation": hit.conversation_title,
                "excerpt": excerpt(hit.turn.text, query),
            }
            for hit in hits[:wanted]
        ]
        if not results:
            summary = f"Nothing in your earlier conversations mentions {query}."
        else:
            newest = hits[0].turn.started_at.astimezone()
            summary = (
                f"Found {len(hits) if len(hits) < _SEARCH_DEPTH else 'many'} "
                f"mention{'s' if len(hits) != 1 else ''} of {query}; the latest, "
                f"{spoken_when(newest, now())}: {results[0]['excerpt']}"
            )
        return {"query": query, "results": results, "summary": summary}

    return ToolSpec(
        name="search_conversation_history",
        description=(
            "Search the user's earlier conversations with this assistant (full text, word "
            "prefixes). Returns dated short excerpts, newest first."
        ),
        parameters={
            "type": "object",
            "properties": {
                "query": {"type": "string", "minLength": 1, "maxLength": 200},
                "limit": {"type": "integer", "minimum": 1, "maximum": MAX_RESULTS},
            },
            "required": ["query"],
            "additionalProperties": False,
        },
        handler=search_history,
        risk=ToolRisk.PRIVATE_DATA,
        default_policy=ToolPolicy.ALWAYS_ALLOW,
    )
