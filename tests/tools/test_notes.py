"""take_note: appends dated notes to a Markdown file, private to the user."""

from __future__ import annotations

import asyncio
import stat
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from voicelive_desktop.tools.notes import notes_tool
from voicelive_desktop.tools.registry import ToolError

AT = datetime(2026, 5, 1, 9, 30, tzinfo=timezone.utc)


def test_notes_append_in_order_as_markdown(tmp_path: Path) -> None:
    path = tmp_path / "data" / "notes.md"
    tool = notes_tool(path, now=lambda: AT)
    assert asyncio.run(tool.handler({"text": "Buy milk"}))["summary"] == "Noted."
    asyncio.run(tool.handler({"text": "Call Ada\nabout the trip"}))
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# VoiceLive Desktop notes\n")
    assert text.endswith(
        "- **2026-05-01 09:30** Buy milk\n- **2026-05-01 09:30** Call Ada\n  about the trip\n"
    )
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_unwritable_notes_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    tool = notes_tool(blocker / "notes.md")
    with pytest.raises(ToolError, match="The note could not be saved"):
        asyncio.run(tool.handler({"text": "lost?"}))


def test_blank_note_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match="empty"):
        asyncio.run(notes_tool(tmp_path / "n.md").handler({"text": "   "}))
