"""Tools in headless mode: the registry with the built-ins, printed calls, consent by flag.

Nobody can answer a consent prompt on a terminal that prints a conversation, so an Ask tool
runs only when it was named with `--allow-tool NAME`; otherwise its call is denied (and the
model told). Tools the saved settings turned off stay off.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from voicelive_desktop.engine.events import (
    EngineEvent,
    ToolApprovalDecision,
    ToolApprovalRequested,
    ToolCallFinished,
    ToolCallStarted,
)
from voicelive_desktop.tools.builtins import register_builtin_tools
from voicelive_desktop.tools.registry import ToolPolicy, ToolRegistry
from voicelive_desktop.tools.stdlib_desktop import StdlibDesktop
from voicelive_desktop.tools.timers import TimerBoard

Say = Callable[[str], None]
Answer = Callable[[str, ToolApprovalDecision], bool]


class HeadlessTools:
    """Owns headless mode's tool registry and timer board, prints every call, and answers
    consent prompts from the `--allow-tool` names."""

    def __init__(
        self,
        say: Say,
        policies: Mapping[str, ToolPolicy],
        allowed: Collection[str],
        current_conversation: Callable[[], str | None] = lambda: None,
    ) -> None:
        self._say = say
        self.allowed = frozenset(allowed)
        desktop = StdlibDesktop(lambda title, message: say(f"notification: {title}: {message}"))
        self.timers = TimerBoard(desktop.notify)
        self.registry = ToolRegistry(policies)
        register_builtin_tools(
            self.registry,
            desktop,
            timers=self.timers,
            current_conversation=current_conversation,
        )
        self._answer: Answer | None = None
        self.tool_responses: set[str] = set()  # responses whose answer follows the tools

    def unknown_allowed(self) -> list[str]:
        """`--allow-tool` names no registered tool has (a typo, most likely)."""
        names = {spec.name for spec in self.registry.specs()}
        return sorted(self.allowed - names)

    def answer_with(self, answer: Answer) -> None:
        """Where consent answers go (the session's answer_tool_approval)."""
        self._answer = answer

    def __call__(self, event: EngineEvent) -> None:
        if isinstance(event, ToolCallStarted):
            self.tool_responses.add(event.response_id)
            self._say(f"tool: {event.name} {event.arguments or '{}'}")
        elif isinstance(event, ToolApprovalRequested):
            allow = event.name in self.allowed
            if self._answer is not None:
                decision = ToolApprovalDecision.ALLOW_ONCE if allow else ToolApprovalDecision.DENY
                self._answer(event.call_id, decision)
            if not allow:
                self._say(
                    f"tool: {event.name} needs consent; denied "
                    f"(pass --allow-tool {event.name} to allow it)"
                )
        elif isinstance(event, ToolCallFinished):
            detail = event.error or event.result_preview
            self._say(
                f"tool: {event.name} {event.status.value} in {event.duration_ms:.0f} ms: {detail}"
            )
