"""One running local MCP server: its transport, its MCP session and the tools it registered."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import replace
from typing import Any, TextIO, cast

import anyio
import httpx2
import mcp_types as types
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp.shared.message import SessionMessage

from voicelive_desktop.mcp_bridge.config import McpServerConfig, McpTransport
from voicelive_desktop.mcp_bridge.results import capped, result_text
from voicelive_desktop.mcp_bridge.secrets import ServerSecrets
from voicelive_desktop.mcp_bridge.status import McpServerStatus, ServerState, exposed_name
from voicelive_desktop.tools.registry import ToolError, ToolPolicy, ToolRegistry, ToolRisk, ToolSpec

log = logging.getLogger(__name__)
# httpx2 logs every request at INFO: one line per MCP message would drown the app's log.
logging.getLogger("httpx2").setLevel(logging.WARNING)

START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 10.0
STDERR_TAIL_CHARS = 2000
# The engine's own timeout is a little longer, so the bridge's message (with stderr) wins.
_ENGINE_TIMEOUT_MARGIN_S = 2.0


class McpServerConnection:
    """Owns one server for one run: start, list and register its tools, call them, stop.

    A stopped or failed connection is finished; `McpBridge` makes a new one to restart.
    Status changes go to `on_status`; registry changes happen on the loop that runs this.
    """

    def __init__(
        self,
        config: McpServerConfig,
        secrets: ServerSecrets,
        registry: ToolRegistry,
        result_cap: Callable[[], int],
        on_status: Callable[[McpServerStatus], None],
    ) -> None:
        self.config = config
        self._secrets = secrets
        self._registry = registry
        self._result_cap = result_cap
        self._on_status = on_status
        self._status = McpServerStatus(config.name, ServerState.STOPPED)
        self._session: ClientSession | None = None
        self._tools: dict[str, str] = {}  # exposed name -> the server's own tool name
        self._stderr: TextIO | None = None
        self._wake_send, self._wake_recv = anyio.create_memory_object_stream[str](16)
        self._runner: asyncio.Task[None] | None = None
        self._settled = asyncio.Event()  # running, or failed on the way
        self._http_refusal = ""  # the last HTTP error status, which the SDK's errors leave out

    @property
    def status(self) -> McpServerStatus:
        return self._status

    async def start(self) -> McpServerStatus:
        """Start the server and register its tools; returns once it runs or has failed."""
        self._set_status(state=ServerState.STARTING, reason="")
        self._runner = asyncio.create_task(self._run(), name=f"mcp-{self.config.name}")
        await self._settled.wait()
        return self._status

    async def stop(self) -> None:
        """Stop the server process (or close the HTTP session) and remove its tools."""
        runner = self._runner
        if runner is not None and not runner.done():
            with contextlib.suppress(anyio.WouldBlock, anyio.ClosedResourceError):
                self._wake_send.send_nowait("stop")
            try:
                await asyncio.wait_for(asyncio.shield(runner), STOP_TIMEOUT_S)
            except asyncio.TimeoutError:
                log.warning(
                    "mcp %s: did not stop in %s s; cancelling", self.config.name, STOP_TIMEOUT_S
                )
                runner.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await runner
        self._unregister_all()
        if self._status.state is not ServerState.FAILED:
            self._set_status(state=ServerState.STOPPED, tools=())

    # --- the server's life ---------------------------------------------------------------

    async def _run(self) -> None:
        # A real file: the child process writes its stderr straight into it.
        # On Windows TemporaryFile is a wrapper object, not a TextIO subclass; it acts as one.
        stderr = cast(
            TextIO,
            tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace"),  # noqa: SIM115
        )
        self._stderr = stderr
        try:
            async with AsyncExitStack() as stack:
                read, write = await stack.enter_async_context(self._transport(stderr))
                relay_send, relay_recv = anyio.create_memory_object_stream[
                    SessionMessage | Exception
                ](0)
                tasks = await stack.enter_async_context(anyio.create_task_group())
                stack.callback(tasks.cancel_scope.cancel)
                tasks.start_soon(self._relay, read, relay_send)
                session = await stack.enter_async_context(
                    ClientSession(relay_recv, write, message_handler=self._on_message)
                )
                with anyio.fail_after(START_TIMEOUT_S):
                    await session.initialize()
                    self._session = session
                    await self._refresh_tools()
                self._set_status(state=ServerState.RUNNING)
                self._settled.set()
                async for wake in self._wake_recv:
                    if wake == "tools_changed":
                        await self._refresh_tools()
                        continue
                    if wake == "closed":
                        self._fail("The server closed its connection (it exited).")
                    break
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # anyio raises ExceptionGroups from its task groups
            self._fail(self._describe_failure(exc))
        finally:
            self._session = None
            self._unregister_all()
            self._settled.set()
            self._status = self._with(stderr_tail=self._stderr_tail())
            stderr.close()

    @asynccontextmanager
    async def _transport(self, stderr: TextIO) -> AsyncIterator[Any]:
        config = self._secrets
        if self.config.transport is McpTransport.STDIO:
            params = StdioServerParameters(
                command=self.config.command,
                args=list(self.config.args),
                env=dict(config.env) or None,
                cwd=self.config.cwd or None,
            )
            async with stdio_client(params, errlog=stderr) as streams:
                yield streams
            return

        async def note_refusal(response: httpx2.Response) -> None:
            if response.status_code >= 400:
                self._http_refusal = f"HTTP {response.status_code} {response.reason_phrase}"

        async with (
            httpx2.AsyncClient(
                headers=dict(config.headers),
                timeout=30.0,
                event_hooks={"response": [note_refusal]},
            ) as http,
            streamable_http_client(self.config.url, http_client=http) as streams,
        ):
            yield streams

    async def _relay(self, read: Any, relay_send: Any) -> None:
        """Pass messages on to the session and wake `_run` when the server's side ends."""
        async with relay_send:
            async for message in read:
                await relay_send.send(message)
        with contextlib.suppress(anyio.WouldBlock, anyio.ClosedResourceError):
            self._wake_send.send_nowait("closed")

    async def _on_message(self, message: Any) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            # Listing here would wait on the dispatcher that delivers this notification.
            with contextlib.suppress(anyio.WouldBlock, anyio.ClosedResourceError):
                self._wake_send.send_nowait("tools_changed")
        elif isinstance(message, Exception):
            log.warning("mcp %s: transport error: %s", self.config.name, message)
        await anyio.lowlevel.checkpoint()

    async def _refresh_tools(self) -> None:
        """List the server's tools and make the registry match (tools/list_changed)."""
        assert self._session is not None
        listed: list[types.Tool] = []
        cursor: str | None = None
        for _page in range(100):  # a server that paginates forever cannot hang the start
            params = types.PaginatedRequestParams(cursor=cursor) if cursor else None
            result = await self._session.list_tools(params=params)
            listed.extend(result.tools)
            cursor = result.next_cursor
            if not cursor:
                break
        wanted = {exposed_name(self.config.name, tool.name): tool for tool in listed}
        for name in set(self._tools) - set(wanted):
            self._registry.unregister(name)
        self._tools = {name: tool.name for name, tool in wanted.items()}
        for name, tool in wanted.items():
            self._registry.register(self._spec(name, tool))
        log.info("mcp %s: %d tools: %s", self.config.name, len(wanted), ", ".join(wanted))
        self._set_status(tools=tuple(wanted))

    def _spec(self, name: str, tool: types.Tool) -> ToolSpec:
        schema: Mapping[str, Any] = dict(tool.input_schema or {})
        if schema.get("type") != "object":
            schema = {"type": "object", "properties": {}}
        original = tool.name

        async def handler(arguments: Mapping[str, Any]) -> str:
            return await self.call(original, arguments)

        return ToolSpec(
            name=name,
            description=tool.description
            or tool.title
            or f"{original} (MCP server {self.config.name})",
            parameters=schema,
            handler=handler,
            risk=ToolRisk.EXTERNAL,
            default_policy=ToolPolicy.ASK,
            timeout_s=self.config.call_timeout_s + _ENGINE_TIMEOUT_MARGIN_S,
            source=self.config.source,
        )

    # --- calls ---------------------------------------------------------------------------

    async def call(self, tool: str, arguments: Mapping[str, Any]) -> str:
        """Run one tool; the text for the model, or ToolError saying what went wrong."""
        session = self._session
        if session is None:
            raise ToolError(f"The MCP server {self.config.name!r} is not running.")
        timeout = self.config.call_timeout_s
        try:
            result = await asyncio.wait_for(session.call_tool(tool, dict(arguments)), timeout)
        except asyncio.TimeoutError:
            reason = f"{self.config.name} did not answer {tool} within {timeout:g} s."
            self._set_status(reason=reason, stderr_tail=self._stderr_tail())
            raise ToolError(reason) from None
        except MCPError as exc:
            reason = f"{self.config.name} failed while running {tool}: {exc.error.message}."
            self._set_status(reason=reason, stderr_tail=self._stderr_tail())
            raise ToolError(reason) from None
        text = result_text(result)
        if result.is_error:
            raise ToolError(text or f"{tool} reported an error without a message.")
        output = capped(text, self._result_cap())
        if output.capped:
            self._set_status(capped_calls=self._status.capped_calls + 1)
        return output.text

    # --- status --------------------------------------------------------------------------

    def _describe_failure(self, exc: BaseException) -> str:
        leaf = exc
        while getattr(leaf, "exceptions", None):  # an ExceptionGroup from anyio
            leaf = leaf.exceptions[0]  # type: ignore[attr-defined]
        if isinstance(leaf, TimeoutError):
            return f"The server did not finish starting within {START_TIMEOUT_S:g} s."
        if isinstance(leaf, FileNotFoundError):
            return f"The command {self.config.command!r} was not found."
        if isinstance(leaf, PermissionError):
            return f"The command {self.config.command!r} may not be run (permission denied)."
        if isinstance(leaf, MCPError) and self._http_refusal:
            hint = " (check its headers)" if self._http_refusal[5:8] in ("401", "403") else ""
            return f"{self.config.url} answered {self._http_refusal}{hint}."
        if isinstance(leaf, MCPError):
            return f"The server ended the connection while starting ({leaf.error.message})."
        if isinstance(leaf, httpx2.HTTPError):
            return f"Could not reach {self.config.url}: {leaf}."
        log.warning("mcp %s: failed", self.config.name, exc_info=leaf)
        return f"{type(leaf).__name__}: {leaf}"

    def _fail(self, reason: str) -> None:
        log.warning("mcp %s: %s", self.config.name, reason)
        self._unregister_all()
        self._set_status(
            state=ServerState.FAILED, reason=reason, tools=(), stderr_tail=self._stderr_tail()
        )

    def _stderr_tail(self) -> str:
        stderr = self._stderr
        if stderr is None or stderr.closed:
            return self._status.stderr_tail
        stderr.flush()
        size = stderr.seek(0, 2)
        stderr.seek(max(0, size - STDERR_TAIL_CHARS * 4))
        return stderr.read()[-STDERR_TAIL_CHARS:].strip()

    def _unregister_all(self) -> None:
        if self._tools:
            self._tools = {}
            self._registry.unregister_source(self.config.source)

    def _with(self, **changes: Any) -> McpServerStatus:
        return replace(self._status, **changes)

    def _set_status(self, **changes: Any) -> None:
        self._status = self._with(**changes)
        self._on_status(self._status)
