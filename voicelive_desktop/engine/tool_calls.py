"""SessionToolCalls: the tool calls of one session, local and remote MCP, and their wiring."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Any

from voicelive_desktop.engine.connection import Request
from voicelive_desktop.engine.errors import VoiceLiveError
from voicelive_desktop.engine.events import EngineEvent, ToolApprovalDecision
from voicelive_desktop.engine.function_calls import FunctionCallRunner
from voicelive_desktop.engine.mcp_calls import RemoteCallCards
from voicelive_desktop.engine.remote_mcp_config import RemoteMcpServer
from voicelive_desktop.engine.requested_session import RequestedSession
from voicelive_desktop.tools.registry import ToolRegistry

log = logging.getLogger(__name__)


class SessionToolCalls:
    """Owns the calls the model makes in a session and where each server event and answer goes.

    `local` runs this computer's tools (FunctionCallRunner); `remote` follows the calls a
    remote MCP server runs for the service (RemoteCallCards). Which remote MCP servers the
    session offers is kept here too: changing them in a live conversation sends the session
    config again through `reconfigure`.
    """

    def __init__(
        self,
        *,
        registry: ToolRegistry,
        emit: Callable[[EngineEvent], None],
        send: Callable[[Request], Awaitable[None]],
        request_response: Callable[[], Coroutine[Any, Any, None]],
        remember: Callable[[str, str, str, str], None],
        spawn: Callable[[Coroutine[Any, Any, None]], None],
        approval_timeout_s: float,
        requested: RequestedSession,
        in_conversation: Callable[[], bool],
        reconfigure: Callable[[], Awaitable[bool]],
        report: Callable[[VoiceLiveError], None],
    ) -> None:
        self.local = FunctionCallRunner(
            registry=registry,
            emit=emit,
            send=send,
            request_response=request_response,
            remember=remember,
            approval_timeout_s=approval_timeout_s,
        )
        self.remote = RemoteCallCards(emit, send, request_response, spawn)
        self._spawn = spawn
        self._requested = requested
        self._in_conversation = in_conversation
        self._reconfigure = reconfigure
        self._report = report

    @property
    def busy(self) -> bool:
        """Whether local tools are still working on the last response's calls."""
        return self.local.busy

    def handle(self, event: Mapping[str, Any]) -> None:
        """Route one server event to the calls, before the engine's own handler sees it."""
        self.remote.handle(event)
        if event.get("type") == "input_audio_buffer.speech_started":
            self.cancel_all("The user started speaking while the tool ran.")
        self.local.handle(event)

    def cancel_all(self, reason: str) -> None:
        """Barge-in or disconnect: cancel every running local call; none sends an output."""
        self.local.cancel_all(reason)

    def answer_approval(self, call_id: str, decision: ToolApprovalDecision) -> bool:
        """Pass the user's answer to the call that asked; False when nothing waits for it."""
        if self.remote.owns(call_id):  # a remote MCP server's call, run by the service
            self._spawn(self.remote.answer(call_id, decision))
            return True
        return self.local.answer_approval(call_id, decision)

    def use_remote_mcp(self, servers: Sequence[RemoteMcpServer]) -> None:
        """Offer these remote MCP servers from now on; at once in a live conversation."""
        servers = tuple(servers)
        if servers == self._requested.remote_mcp:
            return
        self._requested.remote_mcp = servers
        if self._in_conversation():
            self._spawn(self._apply_remote_mcp())

    async def _apply_remote_mcp(self) -> None:
        try:
            await self._reconfigure()
        except VoiceLiveError as exc:
            log.warning("the remote MCP servers were not applied: %s", exc.message)
            self._report(exc)
