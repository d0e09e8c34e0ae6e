"""The enabled tools of a ToolRegistry in the session config, kept current on a live session."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from azure.ai.voicelive.models import FunctionTool, RequestSession, ToolChoiceLiteral

from voicelive_desktop.engine.errors import VoiceLiveError
from voicelive_desktop.tools.registry import ToolRegistry

log = logging.getLogger(__name__)


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


class OfferedTools:
    """Owns what the service was told about the registry's tools, and tells a live session
    when that changes: once per burst of changes (a server registering its tools one by
    one), and not at all when the model would see no difference (Ask <-> Always allow).

    `reconfigure()` sends the full session config (with `session_config`) and waits for the
    service's answer, or returns False when no conversation is open (the next connection
    sends the tools as they are then); `report` gets the error when the service refuses it.
    """

    def __init__(
        self,
        registry: ToolRegistry | None,
        *,
        reconfigure: Callable[[], Awaitable[bool]],
        report: Callable[[VoiceLiveError], None],
    ) -> None:
        self._registry = registry
        self._reconfigure = reconfigure
        self._report = report
        self._told = ""  # the tools_signature of the last confirmed session.update
        self._unsubscribe: Callable[[], None] | None = None
        self._update: asyncio.Task[None] | None = None

    def session_config(self, session: RequestSession) -> RequestSession:
        """`session` with the tools, when there is a registry (else untouched)."""
        return session if self._registry is None else with_tools(session, self._registry)

    def confirmed(self, session: RequestSession) -> None:
        """The service accepted `session` (it answered with session.updated)."""
        if self._registry is not None and "tools" in session:
            self._told = tools_signature(self._registry)

    def follow(self) -> None:
        """A conversation is live: apply registry changes to it from now on."""
        if self._registry is not None and self._unsubscribe is None:
            self._unsubscribe = self._registry.subscribe(self._changed)

    def unfollow(self) -> None:
        """The conversation is over: the next connection sends the tools as they are then."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._update is not None:
            self._update.cancel()
            self._update = None

    def _changed(self) -> None:
        if self._update is None or self._update.done():
            self._update = asyncio.get_running_loop().create_task(
                self._apply(), name="voicelive-tools-update"
            )

    async def _apply(self) -> None:
        await asyncio.sleep(0)  # let the rest of a burst of changes land first
        # A change made while an update was on its way is caught by the loop's next round.
        while self._registry is not None and tools_signature(self._registry) != self._told:
            try:
                if not await self._reconfigure():
                    return
            except VoiceLiveError as exc:
                log.warning("the tool list was not applied: %s", exc.message)
                self._report(exc)
                return
            log.info("tool list applied live (%d tools)", len(self._registry.enabled()))
