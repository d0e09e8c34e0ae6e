"""What the model gets from an MCP tool result: text and structured content as they are, a
short note for anything else."""

from __future__ import annotations

import base64
import json

import mcp_types as types

from voicelive_desktop.mcp_bridge.results import capped, result_text


def result(*content: object, structured: dict[str, object] | None = None) -> types.CallToolResult:
    return types.CallToolResult(content=list(content), structured_content=structured)  # type: ignore[arg-type]


def test_text_and_structured_content_go_as_they_are() -> None:
    text = types.TextContent(type="text", text="Rolled a 6.")
    assert result_text(result(text)) == "Rolled a 6."
    data = {"rolls": [6], "total": 6}
    both = result_text(result(text, structured=data))
    assert both.splitlines() == ["Rolled a 6.", json.dumps(data)]
    # A server that sends the same value twice (text and structured) is not repeated.
    same = types.TextContent(type="text", text=json.dumps(data))
    assert result_text(result(same, structured=data)) == json.dumps(data)
    assert result_text(result(types.TextContent(type="text", text="6"), structured={"result": 6}))


def test_other_content_gets_a_short_note_not_its_bytes() -> None:
    png = base64.b64encode(b"\x89PNG" + b"\0" * 4096).decode()
    blob = types.BlobResourceContents(uri="file:///r.bin", blob=png, mime_type="x/y")
    text_resource = types.TextResourceContents(uri="file:///r.txt", text="inline notes")
    shown = result_text(
        result(
            types.ImageContent(type="image", data=png, mime_type="image/png"),
            types.AudioContent(type="audio", data=png, mime_type="audio/wav"),
            types.ResourceLink(type="resource_link", name="r", uri="https://example.test/r"),
            types.EmbeddedResource(type="resource", resource=text_resource),
            types.EmbeddedResource(type="resource", resource=blob),
        )
    )
    assert shown.splitlines() == [
        "[image (image/png, 4 KB) not passed to the voice model]",
        "[audio (audio/wav, 4 KB) not passed to the voice model]",
        "[resource link: https://example.test/r]",
        "inline notes",
        "[binary resource file:///r.bin not passed to the voice model]",
    ]
    assert png not in shown


def test_the_cap_cuts_and_says_so() -> None:
    out = capped("x" * 300, 200)
    assert out.capped and out.total_chars == 300
    assert out.text == "x" * 200 + "\n[output capped at 200 of 300 characters]"
    assert not capped("short", 200).capped
