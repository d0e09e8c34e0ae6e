"""Remote MCP servers as the service runs them: a real MCP client (the `mcp` SDK) to each
`server_url` of the session's `mcp` tools.

Modelled on the how-to "Add an MCP server to Voice Live" and the SDK 1.3.1 models:
- on `session.update` with an `mcp` tool the service lists its tools: a `mcp_list_tools` item,
  `mcp_list_tools.in_progress`, then `.completed` (the item, done, carries the tools) or
  `.failed`; `allowed_tools` filters the list;
- a call is an `mcp_call` item streamed with `response.mcp_call_arguments.delta`/`.done`,
  `response.mcp_call.in_progress` and `.completed`/`.failed`; the done item has `output` or
  `error`;
- `require_approval` "always" (the default) first ends the response with an
  `mcp_approval_request` item; the call runs, in a response of its own, once the client
  creates an `mcp_approval_response` item with `approve` true;
- the spoken answer comes when the client sends `response.create` after the call (both SDK
  samples do so), and is built from the call's output here.

Which typed turn calls which tool follows the tools issue's rule (simulator/function_calls
`match_calls`) over the listed tools, e.g. "call NAME(ARGUMENTS)"; function tools are matched
first, so with function tools in the session that form calls them. The example dice server's
tool is also called by "roll a die", "roll a d20" or "roll 3 dice".
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from voicelive_desktop.simulator import wire
from voicelive_desktop.simulator.conversation import Conversation, ConversationItem
from voicelive_desktop.simulator.function_calls import match_calls
from voicelive_desktop.simulator.wire import Event

log = logging.getLogger(__name__)

Send = Callable[[Event], Awaitable[None]]
MCP_TIMEOUT_S = 20.0
_ARGUMENT_DELTA_CHARS = 16
_DICE = re.compile(r"\broll (?:a |one |(\d{1,2}) )?(?:d(\d{1,4})|dice|die)\b", re.IGNORECASE)
_SIDES = re.compile(r"\bd(\d{1,4})\b|(\d{1,4})[- ]sided", re.IGNORECASE)


class InvalidMcpTool(ValueError):
    """An `mcp` tool the service would refuse; `param` names the field."""

    def __init__(self, message: str, param: str) -> None:
        super().__init__(message)
        self.param = param


@dataclass
class RemoteServer:
    """One `mcp` tool of the session and what listing it found."""

    label: str
    url: str
    headers: dict[str, str]
    allowed: list[str] | None
    approval: Any  # "always", "never" or {"always": [...], "never": [...]}
    tools: list[dict[str, Any]] = field(default_factory=list)

    def needs_approval(self, tool: str) -> bool:
        if isinstance(self.approval, dict):
            return tool not in list(self.approval.get("never") or [])
        return bool(self.approval != "never")


def parse_mcp_tools(session: Event) -> list[RemoteServer]:
    """The session's `mcp` tools; raises InvalidMcpTool naming the first bad field."""
    servers: list[RemoteServer] = []
    for index, tool in enumerate(session.get("tools") or []):
        if not isinstance(tool, dict) or tool.get("type") != "mcp":
            continue
        where = f"session.tools[{index}]"
        label, url = tool.get("server_label"), tool.get("server_url")
        if not isinstance(label, str) or not label:
            raise InvalidMcpTool(
                "Missing required parameter: 'server_label'.", f"{where}.server_label"
            )
        if not isinstance(url, str) or not re.match(r"^https?://", url):
            raise InvalidMcpTool(
                f"Invalid 'server_url' {url!r}: an http(s) URL is required.", f"{where}.server_url"
            )
        if label in (s.label for s in servers):
            raise InvalidMcpTool(f"Duplicate server_label {label!r}.", f"{where}.server_label")
        approval = tool.get("require_approval", "always")
        if approval not in ("always", "never") and not isinstance(approval, dict):
            raise InvalidMcpTool(
                f"Invalid 'require_approval' {approval!r}: use 'always' or 'never'.",
                f"{where}.require_approval",
            )
        headers = {str(k): str(v) for k, v in (tool.get("headers") or {}).items()}
        if tool.get("authorization"):
            headers["Authorization"] = f"Bearer {tool['authorization']}"
        allowed = tool.get("allowed_tools")
        servers.append(RemoteServer(label, url, headers, allowed, approval))
    return servers


@contextlib.asynccontextmanager
async def _mcp_session(server: RemoteServer) -> Any:
    async with (
        httpx2.AsyncClient(headers=server.headers, timeout=MCP_TIMEOUT_S) as http,
        streamable_http_client(server.url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


async def list_tools(server: RemoteServer) -> list[dict[str, Any]]:
    """The server's tools as `mcp_list_tools` lists them, after `allowed_tools`."""
    async with _mcp_session(server) as session:
        listed = (await session.list_tools()).tools
    return [
        {"name": t.name, "description": t.description, "input_schema": t.input_schema}
        for t in listed
        if server.allowed is None or t.name in server.allowed
    ]


async def call_tool(server: RemoteServer, name: str, arguments: str) -> tuple[str, str]:
    """(output, error) of one call, as the `mcp_call` item carries them."""
    try:
        parsed = json.loads(arguments or "{}")
    except ValueError:
        return "", f"The arguments are not JSON: {arguments[:80]!r}"
    try:
        async with _mcp_session(server) as session:
            result = await asyncio.wait_for(session.call_tool(name, parsed), MCP_TIMEOUT_S)
    except Exception as exc:  # whatever the server did, the service reports it on the item
        log.info("remote mcp %s: %s failed: %r", server.label, name, exc)
        return "", _call_failure(server.label, name, exc)
    texts = [getattr(block, "text", "") for block in result.content]
    text = "\n".join(t for t in texts if t)
    if result.is_error:
        return "", text or "The tool reported an error."
    return text, ""


def _call_failure(label: str, tool: str, exc: BaseException) -> str:
    """One sentence for the item's `error`: the innermost cause of an MCP SDK failure."""
    while getattr(exc, "exceptions", None):  # an ExceptionGroup from anyio
        exc = exc.exceptions[0]  # type: ignore[attr-defined]
    if isinstance(exc, TimeoutError):
        return f"The MCP server {label} did not answer {tool} within {MCP_TIMEOUT_S:g} s."
    detail = f": {exc}" if str(exc) else ""
    return f"The MCP server {label} failed while running {tool} ({type(exc).__name__}{detail})."


def planned_call(text: str, servers: list[RemoteServer]) -> tuple[RemoteServer, str, str] | None:
    """(server, tool, arguments) a typed user turn calls, or None: the tools issue's rule
    (`function_calls.match_calls`) over each server's listed tools, then the dice phrase."""
    stripped = " ".join(text.split())
    for server in servers:
        names = {str(t["name"]) for t in server.tools}
        listed = [c for c in match_calls(stripped, names) if c.name in names]
        if listed:
            return server, listed[0].name, listed[0].arguments.strip() or "{}"
        dice = _DICE.search(stripped)
        if dice and "roll_dice" in names and not stripped.lower().startswith("call "):
            sides = _SIDES.search(stripped)
            arguments = {
                "sides": int(next(g for g in sides.groups() if g)) if sides else 6,
                "count": int(dice.group(1) or 1),
            }
            return server, "roll_dice", json.dumps(arguments)
    return None


def spoken_answer(conversation: Conversation) -> str | None:
    """What to say when the newest item is a finished call or a declined approval."""
    items = conversation.items()
    newest = items[-1].raw if items else {}
    if newest.get("type") == "mcp_call":
        if newest.get("error"):
            return f"The {newest.get('name')} tool failed: {newest['error']}"
        output = str(newest.get("output") or "")
        try:
            value = json.loads(output)
        except ValueError:
            value = output
        if isinstance(value, dict) and isinstance(value.get("summary"), str):
            return str(value["summary"])
        return f"The {newest.get('name')} tool says: {' '.join(str(value).split())[:160]}"
    if newest.get("type") == "mcp_approval_response" and not newest.get("approve"):
        return "All right, I did not run that tool."
    return None


class RemoteMcp:
    """Owns one simulated session's remote MCP servers, their pending approvals and calls."""

    def __init__(self, send: Send, conversation: Conversation) -> None:
        self._send = send
        self._conversation = conversation
        self.servers: list[RemoteServer] = []
        self._pending: dict[str, tuple[RemoteServer, str, str]] = {}  # approval id -> call

    async def configure(self, servers: list[RemoteServer]) -> None:
        """List the tools of every server that is new or changed (a session.update)."""
        known = {(s.label, s.url): s for s in self.servers}
        self.servers = servers
        for server in servers:
            previous = known.get((server.label, server.url))
            if previous is not None and previous.tools:
                server.tools = [
                    t
                    for t in previous.tools
                    if server.allowed is None or t["name"] in server.allowed
                ]
                continue
            await self._list(server)

    async def _list(self, server: RemoteServer) -> None:
        item: Event = {
            "id": wire.new_id("item"),
            "type": "mcp_list_tools",
            "object": "realtime.item",
            "server_label": server.label,
            "tools": [],
        }
        self._remember(item)
        await self._send(
            {"type": "conversation.item.created", "previous_item_id": None, "item": item}
        )
        await self._send({"type": "mcp_list_tools.in_progress", "item_id": item["id"]})
        try:
            server.tools = await list_tools(server)
        except Exception as exc:
            log.info("remote mcp %s: listing failed: %r", server.label, exc)
            await self._send({"type": "mcp_list_tools.failed", "item_id": item["id"]})
            return
        item["tools"] = server.tools
        await self._send({"type": "mcp_list_tools.completed", "item_id": item["id"]})
        await self._send({"type": "conversation.item.done", "item": item})

    def _remember(self, raw: Event) -> str | None:
        return self._conversation.add(ConversationItem(raw["id"], str(raw["type"]), raw))

    # --- responses -----------------------------------------------------------------------

    def stream_for(self, modalities: list[str]) -> McpCallStream | None:
        """A response that calls a remote tool, when the newest typed turn asks for one."""
        items = self._conversation.items()
        newest = items[-1] if items else None
        if newest is None or newest.role != "user" or newest.speech_ms is not None:
            return None
        planned = planned_call(newest.text or "", self.servers)
        if planned is None:
            return None
        server, tool, arguments = planned
        return McpCallStream(self, server, tool, arguments, modalities, None)

    def approval_answered(self, raw: Event) -> McpCallStream | None:
        """Record an `mcp_approval_response` item; a stream that runs the approved call."""
        self._remember(raw)
        pending = self._pending.pop(str(raw.get("approval_request_id")), None)
        if pending is None or not raw.get("approve"):
            return None
        server, tool, arguments = pending
        return McpCallStream(
            self, server, tool, arguments, ["text"], str(raw["approval_request_id"])
        )

    def is_pending(self, approval_id: object) -> bool:
        return approval_id in self._pending


class McpCallStream:
    """One response that asks for approval or runs one remote call (ResponseStream's interface)."""

    def __init__(
        self,
        owner: RemoteMcp,
        server: RemoteServer,
        tool: str,
        arguments: str,
        modalities: list[str],
        approved: str | None,
    ) -> None:
        self.response_id = wire.new_id("resp")
        self._owner = owner
        self._server = server
        self._tool = tool
        self._arguments = arguments
        self._modalities = modalities
        self._approved = approved  # the approval request this call runs for, if any

    def cancel(self, reason: str = "client_cancelled") -> None:
        """The call itself cannot be taken back; the response still ends when it is done."""

    def failed_event(self, error: Event) -> Event:
        """The response.done that ends this response when the simulator itself broke."""
        return wire.failed_response_done(self.response_id, self._modalities, error)

    async def run(self) -> None:
        send = self._owner._send
        await send(wire.response_created(self.response_id, self._modalities))
        if self._approved is None and self._server.needs_approval(self._tool):
            item = await self._approval_request()
        else:
            item = await self._call()
        await send(
            wire.response_done(
                self.response_id, "completed", modalities=self._modalities, output=[item]
            )
        )

    async def _added(self, item: Event) -> None:
        send = self._owner._send
        ids = {"response_id": self.response_id, "output_index": 0}
        await send({"type": "response.output_item.added", **ids, "item": item})
        previous = self._owner._remember(item)
        await send(
            {"type": "conversation.item.created", "previous_item_id": previous, "item": item}
        )

    async def _approval_request(self) -> Event:
        item = {
            "id": wire.new_id("mcpr"),
            "type": "mcp_approval_request",
            "object": "realtime.item",
            "server_label": self._server.label,
            "name": self._tool,
            "arguments": self._arguments,
        }
        await self._added(item)
        self._owner._pending[item["id"]] = (self._server, self._tool, self._arguments)
        await self._owner._send(
            {
                "type": "response.output_item.done",
                "response_id": self.response_id,
                "output_index": 0,
                "item": item,
            }
        )
        return item

    async def _call(self) -> Event:
        send = self._owner._send
        item: Event = {
            "id": wire.new_id("mcp"),
            "type": "mcp_call",
            "object": "realtime.item",
            "server_label": self._server.label,
            "name": self._tool,
            "arguments": "",
            "approval_request_id": self._approved,
            "output": None,
            "error": None,
        }
        await self._added(dict(item))
        ids = {"response_id": self.response_id, "item_id": item["id"], "output_index": 0}
        for start in range(0, len(self._arguments), _ARGUMENT_DELTA_CHARS):
            delta = self._arguments[start : start + _ARGUMENT_DELTA_CHARS]
            await send({"type": "response.mcp_call_arguments.delta", **ids, "delta": delta})
        await send(
            {"type": "response.mcp_call_arguments.done", **ids, "arguments": self._arguments}
        )
        await send(
            {"type": "response.mcp_call.in_progress", "item_id": item["id"], "output_index": 0}
        )
        output, error = await call_tool(self._server, self._tool, self._arguments)
        item.update(arguments=self._arguments, output=output or None, error=error or None)
        done = "failed" if error else "completed"
        await send({"type": f"response.mcp_call.{done}", "item_id": item["id"], "output_index": 0})
        stored = self._owner._conversation.get(item["id"])
        if stored is not None:
            stored.raw = item
        await send(
            {
                "type": "response.output_item.done",
                "response_id": self.response_id,
                "output_index": 0,
                "item": item,
            }
        )
        return item
