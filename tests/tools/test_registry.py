"""The tool registry: names, schemas, policies (chosen vs default) and change listeners."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from voicelive_desktop.tools.registry import ToolPolicy, ToolRegistry, ToolRisk, ToolSpec

_OBJECT = {"type": "object", "properties": {}}


async def _nothing(arguments: Mapping[str, Any]) -> str:
    return "ok"


def _spec(name: str, policy: ToolPolicy = ToolPolicy.ASK, source: str = "built-in") -> ToolSpec:
    return ToolSpec(name, "does a thing", _OBJECT, _nothing, ToolRisk.SAFE, policy, source=source)


@pytest.mark.parametrize("name", ["", "has space", "a" * 65, "dots.not.allowed"])
def test_names_the_service_would_refuse_are_refused_at_registration(name: str) -> None:
    with pytest.raises(ValueError, match="tool name"):
        _spec(name)


def test_a_schema_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ValueError, match="object"):
        ToolSpec("t", "d", {"type": "string"}, _nothing)


def test_policy_is_the_users_choice_else_the_default_and_off_for_unknown_tools() -> None:
    registry = ToolRegistry({"later": ToolPolicy.ALWAYS_ALLOW})
    registry.register(_spec("clock", ToolPolicy.ALWAYS_ALLOW))
    registry.register(_spec("clipboard", ToolPolicy.ASK))
    assert registry.policy("clock") is ToolPolicy.ALWAYS_ALLOW
    assert registry.policy("nobody") is ToolPolicy.OFF
    registry.set_policy("clock", ToolPolicy.OFF)
    assert [spec.name for spec in registry.enabled()] == ["clipboard"]
    # A policy chosen before its tool exists applies when the tool arrives (an MCP server).
    registry.register(_spec("later", ToolPolicy.ASK))
    assert registry.policy("later") is ToolPolicy.ALWAYS_ALLOW
    assert registry.chosen_policies() == {
        "later": ToolPolicy.ALWAYS_ALLOW,
        "clock": ToolPolicy.OFF,
    }


def test_listeners_hear_each_change_and_can_unsubscribe() -> None:
    registry = ToolRegistry()
    heard: list[int] = []
    unsubscribe = registry.subscribe(lambda: heard.append(len(registry.enabled())))
    registry.register(_spec("a", source="mcp:x"))
    registry.register(_spec("b", source="mcp:x"))
    registry.set_policy("a", ToolPolicy.ASK)  # already its effective value, but now chosen
    registry.set_policy("a", ToolPolicy.ASK)  # no change: not heard
    registry.unregister_source("mcp:x")
    assert heard == [1, 2, 2, 0]
    unsubscribe()
    registry.register(_spec("c"))
    assert heard == [1, 2, 2, 0]
