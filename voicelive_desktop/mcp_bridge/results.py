"""An MCP tool result as the text the model gets: text and structured content as they are,
a short note for anything else, capped in length."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import mcp_types as types

CAP_NOTE = "[output capped at {cap} of {total} characters]"


@dataclass(frozen=True)
class ModelOutput:
    """What goes back as `function_call_output`, and whether the cap cut it."""

    text: str
    capped: bool
    total_chars: int


def _note(block: Any) -> str:
    if isinstance(block, (types.ImageContent, types.AudioContent)):
        kind = "image" if isinstance(block, types.ImageContent) else "audio"
        size_kb = len(block.data) * 3 // 4 // 1024
        return f"[{kind} ({block.mime_type}, {size_kb} KB) not passed to the voice model]"
    if isinstance(block, types.ResourceLink):
        return f"[resource link: {block.uri}]"
    if isinstance(block, types.EmbeddedResource):
        resource = block.resource
        if isinstance(resource, types.TextResourceContents):
            return resource.text
        return f"[binary resource {resource.uri} not passed to the voice model]"
    return f"[{getattr(block, 'type', 'unknown')} content not passed to the voice model]"


def result_text(result: types.CallToolResult) -> str:
    """The result's content as one text, before the cap."""
    texts = [b.text if isinstance(b, types.TextContent) else _note(b) for b in result.content]
    structured = result.structured_content
    if structured is not None and not any(_same_value(t, structured) for t in texts):
        texts.append(json.dumps(structured, ensure_ascii=False))
    return "\n".join(texts)


def _same_value(text: str, structured: dict[str, Any]) -> bool:
    """Whether `text` already says what `structured` does (servers often send both)."""
    # MCPServer wraps a plain return value as {"result": value} beside the same text.
    if list(structured) == ["result"] and str(structured["result"]) == text:
        return True
    try:
        return bool(json.loads(text) == structured)
    except ValueError:
        return False


def capped(text: str, cap: int) -> ModelOutput:
    """`text` cut to `cap` characters with a note saying so, so model and user both see it."""
    if len(text) <= cap:
        return ModelOutput(text, False, len(text))
    return ModelOutput(
        text[:cap] + "\n" + CAP_NOTE.format(cap=cap, total=len(text)), True, len(text)
    )
