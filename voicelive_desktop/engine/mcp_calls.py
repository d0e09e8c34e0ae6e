"""Calls the service runs itself: remote MCP tools and a Foundry agent's calls, as tool cards.

Voice Live calls a remote MCP server on the model's behalf (how-to "Add an MCP server to
Voice Live"): it lists the tools (`mcp_list_tools.*`), streams each call's arguments
(`response.mcp_call_arguments.*`) and progress (`response.mcp_call.*`), and the finished
`mcp_call` item carries `output` or `error`. With `require_approval` "always" it first sends
an `mcp_approval_request` item and waits for an `mcp_approval_response` item. In both SDK
samples the client asks for the spoken answer (`response.create`) once the call completed,
and so does this module. A Foundry agent's calls arrive as `response.foundry_agent_call*`
events and are shown the same way. SDK 1.3.1 has no model for them (generic `ServerEvent`s);
their shape is that of the 1.2.0b3/b4 models it dropped: a `foundry_agent_call` item with
`name` (the agent called), `call_id`, `arguments`, `agent_response_id`, `output`, `error`;
`.in_progress`, `.completed` and `.failed` carry no `response_id`, only `item_id` and
`output_index`, so the card is found by `item_id` alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from azure.ai.voicelive.aio import VoiceLiveConnection
from azure.ai.voicelive.models import MCPApprovalResponseRequestItem

from voicelive_desktop.engine.connection import Request
from voicelive_desktop.engine.event_fields import text_field
from voicelive_desktop.engine.events import (
    EngineEvent,
    RemoteMcpToolAllowed,
    RemoteMcpToolsListed,
    ToolApprovalDecision,
    ToolApprovalRequested,
    ToolCallFinished,
    ToolCallStarted,
    ToolCallStatus,
)
from voicelive_desktop.engine.result_preview import result_preview

log = logging.getLogger(__name__)

APPROVAL_TIMEOUT_S = 60.0
# Item type -> ToolCallStarted.source.
_CALL_ITEMS = {"mcp_call": "mcp_remote", "foundry_agent_call": "agent"}


@dataclass
class _Call:
    card_id: str  # the id the card knows (the approval request's, when there was one)
    name: str
    source: str
    started: float
    arguments: str = ""
    announced: bool = False
    failed_reason: str = ""


@dataclass(frozen=True)
class _Asked:
    """A pending approval request: the card's name, and the server and tool it is for."""

    card_name: str
    server_label: str
    tool: str


@dataclass
class _Listing:
    label: str = ""
    status: str = ""
    tools: tuple[str, ...] = ()


def _error_text(error: Any) -> str:
    if isinstance(error, Mapping):
        return text_field(error, "message", "") or text_field(error, "type", "") or str(dict(error))
    if isinstance(error, str):
        return error
    return "" if error is None else str(error)


def _card_name(item: Mapping[str, Any]) -> str:
    label, name = text_field(item, "server_label", ""), text_field(item, "name", "") or "call"
    return f"{label}__{name}" if label else name


class RemoteCallCards:
    """Owns the cards of service-run calls and the user's answers to remote MCP approvals.

    `emit` reports typed events; `send` queues one client request in order; `request_response`
    asks for the spoken answer once the response that ran a call is done.
    """

    def __init__(
        self,
        emit: Callable[[EngineEvent], None],
        send: Callable[[Request], Awaitable[None]],
        request_response: Callable[[], Coroutine[Any, Any, None]],
        spawn: Callable[[Coroutine[Any, Any, None]], None],
    ) -> None:
        self._emit = emit
        self._send = send
        self._request_response = request_response
        self._spawn = spawn
        self._calls: dict[str, _Call] = {}  # item id -> call
        self._approvals: dict[str, _Asked] = {}  # approval request id -> what it asks (pending)
        self._approved: dict[str, str] = {}  # approval request id -> card id, for the call
        # Remote tools the user always allows. The app keeps the choice (RemoteMcpToolAllowed)
        # and the next session config tells the service; this covers the session until then.
        self._always_allowed: set[str] = set()
        self._auto_approve: list[str] = []  # requests to allow when their response is done
        self._answer_after_response = False
        self._handlers: dict[str, Callable[[Mapping[str, Any]], None]] = {
            "mcp_list_tools.in_progress": self._list_tools,
            "mcp_list_tools.completed": self._list_tools,
            "mcp_list_tools.failed": self._list_tools,
            "conversation.item.created": self._item_seen,
            "conversation.item.done": self._item_seen,
            "response.output_item.added": self._item_seen,
            "response.output_item.done": self._item_done,
            "response.done": self._response_done,
        }
        self._listings: dict[str, _Listing] = {}  # mcp_list_tools item id -> what it listed

    def owns(self, call_id: str) -> bool:
        """Whether `call_id` is a remote approval this object answers."""
        return call_id in self._approvals

    def handle(self, event: Mapping[str, Any]) -> None:
        """Look at one server event; never raises (the main dispatch sees it too)."""
        kind = text_field(event, "type", "")
        try:
            handler = self._handlers.get(kind)
            if handler is not None:
                handler(event)
            elif kind.startswith(("response.mcp_call", "response.foundry_agent_call")):
                self._call_progress(kind, event)
        except Exception:
            log.warning("remote call event %.60r could not be handled", kind, exc_info=True)

    async def answer(self, call_id: str, decision: ToolApprovalDecision) -> None:
        """Send the user's answer to a remote approval as an `mcp_approval_response` item."""
        asked = self._approvals.pop(call_id, None)
        if asked is None:
            return
        name = asked.card_name
        approve = decision is not ToolApprovalDecision.DENY
        if decision is ToolApprovalDecision.ALWAYS_ALLOW and name not in self._always_allowed:
            self._always_allowed.add(name)
            self._emit(RemoteMcpToolAllowed(asked.server_label, asked.tool))
        item = MCPApprovalResponseRequestItem(approval_request_id=call_id, approve=approve)

        async def create(conn: VoiceLiveConnection) -> None:
            await conn.conversation.item.create(item=item)

        await self._send(create)
        if approve:
            self._approved[call_id] = call_id
            return
        self._emit(
            ToolCallFinished(
                call_id, name, ToolCallStatus.DENIED, 0.0, error="You declined this call."
            )
        )
        # The model hears that the call was declined and answers without it.
        await self._request_response()

    # --- events --------------------------------------------------------------------------

    def _list_tools(self, event: Mapping[str, Any]) -> None:
        status = text_field(event, "type", "").rpartition(".")[2]
        listing = self._listings.setdefault(text_field(event, "item_id", ""), _Listing())
        listing.status = status
        self._emit(
            RemoteMcpToolsListed(
                listing.label, status, listing.tools, _error_text(event.get("error"))
            )
        )

    def _item_seen(self, event: Mapping[str, Any]) -> None:
        item = event.get("item")
        if not isinstance(item, Mapping):
            return
        kind, item_id = text_field(item, "type", ""), text_field(item, "id", "")
        if kind == "mcp_list_tools":
            self._list_item(item_id, item)
        elif kind == "mcp_approval_request" and item_id not in self._approvals:
            self._approval_requested(item_id, item)
        elif kind in _CALL_ITEMS and item_id not in self._calls:
            approval = text_field(item, "approval_request_id", "")
            card_id = self._approved.pop(approval, item_id) if approval else item_id
            self._calls[item_id] = _Call(
                card_id,
                _card_name(item),
                _CALL_ITEMS[kind],
                time.monotonic(),
                announced=card_id != item_id,
            )

    def _list_item(self, item_id: str, item: Mapping[str, Any]) -> None:
        """Remember a listing's server and tools; the item may come after `.completed`."""
        listing = self._listings.setdefault(item_id, _Listing())
        listing.label = text_field(item, "server_label", "") or listing.label
        tools = item.get("tools")
        names = tuple(text_field(t, "name", "") for t in tools or [] if isinstance(t, Mapping))
        if names and names != listing.tools:
            listing.tools = names
            if listing.status == "completed":
                self._emit(RemoteMcpToolsListed(listing.label, "completed", names))

    def _approval_requested(self, item_id: str, item: Mapping[str, Any]) -> None:
        name, arguments = _card_name(item), text_field(item, "arguments", "")
        self._emit(ToolCallStarted(item_id, name, arguments, item_id, source="mcp_remote"))
        label, tool = text_field(item, "server_label", ""), text_field(item, "name", "")
        self._approvals[item_id] = _Asked(name, label, tool)
        if name in self._always_allowed:
            # Answered once the response that asked is done: the approved call runs in a
            # response of its own, which the service does not start beside an active one.
            self._auto_approve.append(item_id)
            return
        self._emit(ToolApprovalRequested(item_id, name, arguments, "external", APPROVAL_TIMEOUT_S))

    def _call_progress(self, kind: str, event: Mapping[str, Any]) -> None:
        call = self._calls.get(text_field(event, "item_id", ""))
        if call is None:
            return
        if kind.endswith("arguments.done"):
            call.arguments = text_field(event, "arguments", "") or call.arguments
        elif kind.endswith("arguments.delta"):
            call.arguments += text_field(event, "delta", "")
        elif kind.endswith(".failed"):
            call.failed_reason = _error_text(event.get("error")) or "The call failed."
        if not call.announced and (kind.endswith("arguments.done") or kind.endswith("in_progress")):
            call.announced = True
            self._emit(
                ToolCallStarted(
                    call.card_id,
                    call.name,
                    call.arguments,
                    text_field(event, "item_id", ""),
                    text_field(event, "response_id", ""),
                    call.source,
                )
            )

    def _item_done(self, event: Mapping[str, Any]) -> None:
        item = event.get("item")
        if not isinstance(item, Mapping):
            return
        self._item_seen(event)
        call = self._calls.pop(text_field(item, "id", ""), None)
        if call is None:
            return
        if not call.announced:
            arguments = text_field(item, "arguments", "") or call.arguments
            self._emit(ToolCallStarted(call.card_id, call.name, arguments, source=call.source))
        output, error = text_field(item, "output", ""), _error_text(item.get("error"))
        error = error or call.failed_reason
        # The same one line as a local tool's card: a result's summary, not its raw JSON.
        preview = result_preview(error or output)
        self._emit(
            ToolCallFinished(
                call.card_id,
                call.name,
                ToolCallStatus.FAILED if error else ToolCallStatus.OK,
                (time.monotonic() - call.started) * 1000,
                result_preview=preview,
                result=output,
                error=error,
            )
        )
        # The agent speaks its own answer; a remote MCP call needs the client's response.create.
        self._answer_after_response = self._answer_after_response or call.source == "mcp_remote"

    def _response_done(self, event: Mapping[str, Any]) -> None:
        approvals, self._auto_approve = self._auto_approve, []
        for call_id in approvals:
            self._spawn(self.answer(call_id, ToolApprovalDecision.ALWAYS_ALLOW))
        if self._answer_after_response:
            self._answer_after_response = False
            self._spawn(self._request_response())
