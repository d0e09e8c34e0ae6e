"""The `read_clipboard` and `write_clipboard` tools, through the desktop's clipboard."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from voicelive_desktop.tools.desktop_port import DesktopServices
from voicelive_desktop.tools.registry import ToolPolicy, ToolRisk, ToolSpec

MAX_CLIPBOARD_CHARS = 8000


def clipboard_tools(desktop: DesktopServices) -> list[ToolSpec]:
    """Both clipboard tools; Ask by default, since the clipboard often holds private text."""

    async def read_clipboard(arguments: Mapping[str, Any]) -> dict[str, Any]:
        text = desktop.read_clipboard()
        cut = len(text) > MAX_CLIPBOARD_CHARS
        return {
            "text": text[:MAX_CLIPBOARD_CHARS],
            "truncated": cut,
            "summary": "The clipboard is empty." if not text else "Read the clipboard.",
        }

    async def write_clipboard(arguments: Mapping[str, Any]) -> dict[str, Any]:
        desktop.write_clipboard(str(arguments["text"]))
        return {"written": True, "summary": "Copied to the clipboard."}

    return [
        ToolSpec(
            name="read_clipboard",
            description="Read the text on the user's clipboard.",
            parameters={"type": "object", "properties": {}, "additionalProperties": False},
            handler=read_clipboard,
            risk=ToolRisk.PRIVATE_DATA,
            default_policy=ToolPolicy.ASK,
        ),
        ToolSpec(
            name="write_clipboard",
            description="Put text on the user's clipboard, replacing what is there.",
            parameters={
                "type": "object",
                "properties": {"text": {"type": "string", "maxLength": MAX_CLIPBOARD_CHARS}},
                "required": ["text"],
                "additionalProperties": False,
            },
            handler=write_clipboard,
            risk=ToolRisk.PRIVATE_DATA,
            default_policy=ToolPolicy.ASK,
        ),
    ]
