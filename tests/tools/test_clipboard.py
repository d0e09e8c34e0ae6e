"""read_clipboard / write_clipboard: through the desktop's clipboard, Ask by default."""

from __future__ import annotations

import asyncio

from tests.tools.desktop_double import RecordingDesktop
from voicelive_desktop.tools.clipboard import MAX_CLIPBOARD_CHARS, clipboard_tools
from voicelive_desktop.tools.registry import ToolPolicy, ToolRisk


def test_read_and_write() -> None:
    desktop = RecordingDesktop("hello there")
    read, write = clipboard_tools(desktop)
    assert asyncio.run(read.handler({}))["text"] == "hello there"
    asyncio.run(write.handler({"text": "new text"}))
    assert desktop.clipboard == "new text"


def test_long_clipboard_is_cut() -> None:
    read, _ = clipboard_tools(RecordingDesktop("x" * (MAX_CLIPBOARD_CHARS + 5)))
    result = asyncio.run(read.handler({}))
    assert len(result["text"]) == MAX_CLIPBOARD_CHARS and result["truncated"]


def test_both_ask_first() -> None:
    for spec in clipboard_tools(RecordingDesktop()):
        assert (spec.default_policy, spec.risk) == (ToolPolicy.ASK, ToolRisk.PRIVATE_DATA)
