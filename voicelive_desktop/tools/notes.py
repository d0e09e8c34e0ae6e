"""The `take_note` tool: appends what the user dictates to a Markdown file in the data dir."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from voicelive_desktop.tools.registry import ToolError, ToolPolicy, ToolRisk, ToolSpec

NOTES_FILE_NAME = "notes.md"
MAX_NOTE_CHARS = 4000
_HEADER = "# VoiceLive Desktop notes\n\nNotes the assistant took for you, newest last.\n\n"


def append_note(path: Path, text: str, at: datetime) -> None:
    """Add one note as a list item stamped with `at`; creates the file (owner-only) if new.

    Each note is flushed and fsynced before the tool reports success: a note the user was
    told is saved must be on disk.
    """
    lines = text.strip().splitlines() or [""]
    entry = f"- **{at:%Y-%m-%d %H:%M}** {lines[0]}\n" + "".join(
        f"  {line}\n" if line.strip() else "\n" for line in lines[1:]
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        new = not path.exists()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8", newline="\n") as notes:
            if new:
                notes.write(_HEADER)
            notes.write(entry)
            notes.flush()
            os.fsync(notes.fileno())
    except OSError as error:
        raise ToolError(f"The note could not be saved: {error.strerror or error}.") from None


def notes_tool(
    path: Path, now: Callable[[], datetime] = lambda: datetime.now().astimezone()
) -> ToolSpec:
    """take_note, writing to `path` (the app passes its data dir's notes.md)."""

    async def take_note(arguments: Mapping[str, Any]) -> dict[str, Any]:
        text = str(arguments["text"]).strip()
        if not text:
            raise ToolError("The note is empty; say what to write down.")
        append_note(path, text, now())
        return {"saved": True, "file": str(path), "summary": "Noted."}

    return ToolSpec(
        name="take_note",
        description=(
            "Write a note down for the user: appends the text to their notes file, dated."
        ),
        parameters={
            "type": "object",
            "properties": {"text": {"type": "string", "minLength": 1, "maxLength": MAX_NOTE_CHARS}},
            "required": ["text"],
            "additionalProperties": False,
        },
        handler=take_note,
        risk=ToolRisk.PRIVATE_DATA,
        default_policy=ToolPolicy.ALWAYS_ALLOW,
    )
