"""The enabled tools of a ToolRegistry as the session config's `tools` and `tool_choice`."""

from __future__ import annotations

import json

from azure.ai.voicelive.models import FunctionTool, RequestSession, ToolChoiceLiteral

from voicelive_desktop.tools.registry import ToolRegistry


def function_tools(registry: ToolRegistry) -> list[FunctionTool]:
    """Every tool the user has not turned off, as the SDK's function tool definitions."""
    return [
        FunctionTool(name=spec.name, description=spec.description, parameters=dict(spec.parameters))
        for spec in registry.enabled()
    ]


def tools_signature(registry: ToolRegistry) -> str:
    """What the model is told about the tools; equal signatures need no `session.update`."""
    return json.dumps([dict(tool) for tool in function_tools(registry)], sort_keys=True)


def with_tools(session: RequestSession, registry: ToolRegistry) -> RequestSession:
    """`session` offering the enabled tools, the model choosing when to call them.

    The list is sent even when empty: on a live session that switches the last tool off.
    """
    session["tools"] = function_tools(registry)
    session["tool_choice"] = ToolChoiceLiteral.AUTO
    return session
