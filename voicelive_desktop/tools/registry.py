"""The tool registry: what each tool is, how risky it is, and the user's policy for it."""

from __future__ import annotations

import enum
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# The function-name rule of the Realtime API's function tools.
_TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DEFAULT_TOOL_TIMEOUT_S = 10.0

ToolHandler = Callable[[Mapping[str, Any]], Awaitable[Any]]
"""Runs one call with schema-checked arguments; returns a JSON-serialisable result (a str is
sent as it is). Raises ToolError for a failure the model should hear about in words."""


class ToolPolicy(str, enum.Enum):
    """Whether a tool is offered to the model, and whether each call needs the user's yes."""

    OFF = "off"
    ASK = "ask"
    ALWAYS_ALLOW = "always_allow"


class ToolRisk(str, enum.Enum):
    """What a call can touch, shown beside the policy so the user can judge it."""

    SAFE = "safe"  # reads nothing private and changes nothing outside the app
    PRIVATE_DATA = "private_data"  # reads or writes the user's data (clipboard, notes, files)
    OPENS_THINGS = "opens_things"  # starts another program or opens a page
    EXTERNAL = "external"  # runs code the app did not ship (an MCP server's tool)


class ToolError(Exception):
    """A call failed in a way the model should be told about (its message goes to the model)."""


@dataclass(frozen=True)
class ToolSpec:
    """One callable tool: its name and schema for the model, its handler and its risk."""

    name: str
    description: str
    parameters: Mapping[str, Any]  # a JSON Schema of type "object"
    handler: ToolHandler = field(compare=False, repr=False)
    risk: ToolRisk = ToolRisk.SAFE
    default_policy: ToolPolicy = ToolPolicy.ASK
    timeout_s: float = DEFAULT_TOOL_TIMEOUT_S
    source: str = "built-in"  # "built-in", or where it came from, e.g. "mcp:dice"
    # Checks schema-valid arguments before the user is asked (a refused URL or path is not
    # worth a consent prompt); raises ToolError with the reason.
    precheck: Callable[[Mapping[str, Any]], None] | None = field(
        default=None, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        if not _TOOL_NAME.match(self.name):
            raise ValueError(f"tool name {self.name!r} must be 1-64 letters, digits, '_' or '-'")
        if self.parameters.get("type") != "object":
            raise ValueError(f"tool {self.name!r}: the parameters schema must be an object")
        if self.timeout_s <= 0:
            raise ValueError(f"tool {self.name!r}: the timeout must be positive")


ChangeListener = Callable[[], None]


class ToolRegistry:
    """Owns the set of registered tools and the user's policy for each.

    Policies the user chose are kept by name even for tools not registered (yet): an MCP
    server that starts later finds its tools' policies waiting. Listeners hear about every
    change that alters which tools are offered to the model or how they are allowed.
    """

    def __init__(self, policies: Mapping[str, ToolPolicy] | None = None) -> None:
        self._specs: dict[str, ToolSpec] = {}
        self._chosen: dict[str, ToolPolicy] = dict(policies or {})
        self._listeners: list[ChangeListener] = []

    def register(self, spec: ToolSpec) -> None:
        """Add a tool, or replace the one with the same name."""
        self._specs[spec.name] = spec
        self._changed()

    def unregister(self, name: str) -> None:
        if self._specs.pop(name, None) is not None:
            self._changed()

    def unregister_source(self, source: str) -> None:
        """Remove every tool that came from `source` (a server that stopped)."""
        names = [name for name, spec in self._specs.items() if spec.source == source]
        for name in names:
            del self._specs[name]
        if names:
            self._changed()

    def get(self, name: str) -> ToolSpec | None:
        return self._specs.get(name)

    def specs(self) -> list[ToolSpec]:
        """Every registered tool, in registration order."""
        return list(self._specs.values())

    def enabled(self) -> list[ToolSpec]:
        """The tools offered to the model: every one whose policy is not Off."""
        return [spec for spec in self._specs.values() if self.policy(spec.name) != ToolPolicy.OFF]

    def policy(self, name: str) -> ToolPolicy:
        """The user's choice for `name`, else the tool's default; Off for an unknown tool."""
        chosen = self._chosen.get(name)
        if chosen is not None:
            return chosen
        spec = self._specs.get(name)
        return spec.default_policy if spec is not None else ToolPolicy.OFF

    def set_policy(self, name: str, policy: ToolPolicy) -> None:
        if self._chosen.get(name) == policy:
            return
        self._chosen[name] = policy
        self._changed()

    def chosen_policies(self) -> dict[str, ToolPolicy]:
        """The policies the user chose (not the defaults), for the settings file."""
        return dict(self._chosen)

    def subscribe(self, listener: ChangeListener) -> Callable[[], None]:
        """Call `listener()` after every change; returns an unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()
