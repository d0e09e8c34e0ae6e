"""`builtin_tools`: every tool the app ships, made once for the app and headless mode."""

from __future__ import annotations

from voicelive_desktop.tools.clock import clock_tool
from voicelive_desktop.tools.registry import ToolRegistry, ToolSpec


def builtin_tools() -> list[ToolSpec]:
    """The built-in tools, in the order Preferences lists them."""
    return [clock_tool()]


def register_builtin_tools(registry: ToolRegistry) -> None:
    """Add every built-in tool to `registry` (replacing ones of the same name)."""
    for spec in builtin_tools():
        registry.register(spec)
