"""A tool's output as one short line for people: its summary, its error, or its fields.

The model gets the output whole; a card, the headless printout and the log get this line.
Raw JSON reads badly there (`{"timer_id": "timer-1", "label": "", ...`), so a tool that says
what happened in a `summary` is shown by it, a failure by its `error`, and any other object
by its top-level fields, as `key: value` pairs.
"""

from __future__ import annotations

import json
from typing import Any

PREVIEW_CHARS = 120
_SAID_BY = ("summary", "error")  # keys whose text says it all, in order of preference


def _field(value: Any) -> str:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return f"{len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "{…}"
    return json.dumps(value, ensure_ascii=False)


def result_preview(output: str, limit: int = PREVIEW_CHARS) -> str:
    """`output` (what the model was sent) as one line of at most `limit` characters."""
    try:
        value = json.loads(output) if output.strip() else None
    except ValueError:
        value = None
    text = output
    if isinstance(value, dict):
        said = next(
            (value[key] for key in _SAID_BY if isinstance(value.get(key), str) and value[key]),
            None,
        )
        if said is not None:
            text = said
        else:
            text = ", ".join(
                f"{key}: {_field(item)}" for key, item in value.items() if item not in ("", None)
            )
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
