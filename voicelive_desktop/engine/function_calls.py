"""The function-call flow: the model's calls, the user's consent, concurrent runs, outputs.

As the service sends it (Voice Live API reference 2026-04-10, "response.output_item.added",
"response.function_call_arguments.delta/.done", "response.done"; it extends the OpenAI
Realtime API: https://platform.openai.com/docs/guides/realtime-conversations#function-calling):
- a response announces each call with `response.output_item.added` carrying a
  `function_call` item (its `call_id` and `name`, arguments still empty);
- `response.function_call_arguments.delta` streams the arguments, `.done` has them whole;
- `response.done` lists the finished items (a call seen only there still runs).

The client answers each call with `conversation.item.create` of a `function_call_output`
item with the call's `call_id`. "Adding a function call output does not automatically
trigger another model response", so once every output of a response is in, exactly one
`response.create` follows. Calls start at `.done`, concurrently, so the model's answer waits
for the slowest call only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from azure.ai.voicelive.models import FunctionCallOutputItem

from voicelive_desktop.engine.connection import Request
from voicelive_desktop.engine.errors import ConnectionLost
from voicelive_desktop.engine.event_fields import text_field
from voicelive_desktop.engine.events import (
    EngineEvent,
    ToolApprovalDecision,
    ToolApprovalRequested,
    ToolCallFinished,
    ToolCallStarted,
    ToolCallStatus,
)
from voicelive_desktop.engine.result_preview import result_preview
from voicelive_desktop.engine.tool_arguments import ArgumentChecker, InvalidArguments
from voicelive_desktop.tools.registry import ToolError, ToolPolicy, ToolRegistry, ToolSpec

log = logging.getLogger(__name__)

DEFAULT_APPROVAL_TIMEOUT_S = 60.0
# The model reads every output; a tool that returns a book gets the first pages.
MAX_OUTPUT_CHARS = 8_000
_MAX_VOID_RESPONSES = 32

_Status = ToolCallStatus


@dataclass(frozen=True)
class _Outcome:
    status: ToolCallStatus
    output: str  # what the model is sent
    error: str = ""  # why it failed or was denied, for the user


@dataclass
class _Call:
    call_id: str
    name: str
    item_id: str
    response_id: str
    arguments: str = ""
    started_at: float = 0.0
    task: asyncio.Task[None] | None = None
    settled: bool = False  # finished: output sent, or cancelled without one
    output_sent: bool = False


@dataclass
class _Batch:
    """The calls of one response: its single follow-up waits for all of them."""

    response_id: str
    calls: dict[str, _Call] = field(default_factory=dict)
    response_done: bool = False


def _error_output(message: str) -> str:
    return json.dumps({"error": message}, ensure_ascii=False)


def _as_output(result: Any) -> str:
    if isinstance(result, str):
        text = result
    else:
        text = json.dumps(result, ensure_ascii=False, default=str)
    if len(text) > MAX_OUTPUT_CHARS:
        text = text[:MAX_OUTPUT_CHARS] + " [output cut at 8000 characters]"
    return text


async def _answer_by_deadline(
    waiter: asyncio.Future[ToolApprovalDecision], timeout_s: float
) -> ToolApprovalDecision | None:
    """The answer, or None once `timeout_s` has passed on the loop's clock. Not a bare
    wait_for: a plain qasync loop's timers are Qt's coarse ones, which fire up to 5 % early,
    and a prompt still counting down its last 3 s must not be denied under the user's hand
    (the app's own loop is precise, but the engine does not count on its host's loop)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while (left := deadline - loop.time()) > 0.005:
        try:
            return await asyncio.wait_for(asyncio.shield(waiter), left)
        except asyncio.TimeoutError:
            continue
    return waiter.result() if waiter.done() else None


class FunctionCallRunner:
    """Owns the function calls of the current conversation from announcement to output.

    Every call ends with exactly one ToolCallFinished. `cancel_all` (barge-in, disconnect)
    cancels the running tasks and forgets the calls, so no stale output reaches a later
    response. An Ask tool runs only after `answer_approval` allowed it.
    """

    def __init__(
        self,
        *,
        registry: ToolRegistry,
        emit: Callable[[EngineEvent], None],
        send: Callable[[Request], Awaitable[None]],
        request_response: Callable[[], Awaitable[None]],
        remember: Callable[[str, str, str, str], None],
        approval_timeout_s: float = DEFAULT_APPROVAL_TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._registry = registry
        self._emit = emit
        self._send = send
        self._request_response = request_response
        self._remember = remember
        self._approval_timeout_s = approval_timeout_s
        self._clock = clock
        self._checker = ArgumentChecker()
        self._batches: dict[str, _Batch] = {}
        # Responses whose calls were cancelled: their late events must not start them again.
        self._void: OrderedDict[str, None] = OrderedDict()
        self._approvals: dict[str, asyncio.Future[ToolApprovalDecision]] = {}
        self._follow_ups: set[asyncio.Task[None]] = set()
        self._handlers: dict[str, Callable[[Mapping[str, Any]], None]] = {
            "response.output_item.added": self._item_added,
            "response.function_call_arguments.delta": self._arguments_delta,
            "response.function_call_arguments.done": self._arguments_done,
            "response.done": self._response_done,
        }

    @property
    def busy(self) -> bool:
        """True while a call runs or waits for consent, or its follow-up is not yet sent."""
        return bool(self._batches) or bool(self._follow_ups)

    def handle(self, event: Mapping[str, Any]) -> None:
        """Take one server event (any type; others are ignored); never raises."""
        handler = self._handlers.get(text_field(event, "type", ""))
        if handler is None or self._response_id(event) in self._void:
            return
        try:
            handler(event)
        except Exception:
            log.warning("function-call event could not be handled", exc_info=True)

    def answer_approval(self, call_id: str, decision: ToolApprovalDecision) -> bool:
        """The user's answer to a consent prompt; False when no call waits for it (any more)."""
        waiter = self._approvals.get(call_id)
        if waiter is None or waiter.done():
            return False
        waiter.set_result(decision)
        return True

    def cancel_all(self, reason: str) -> None:
        """Barge-in or disconnect: cancel every running call; none of them sends an output."""
        for batch in list(self._batches.values()):
            self._void[batch.response_id] = None
            while len(self._void) > _MAX_VOID_RESPONSES:
                self._void.popitem(last=False)
            for call in batch.calls.values():
                if call.settled:
                    continue
                call.settled = True
                if call.task is None:
                    continue  # announced but never started: nothing ran, nothing to show
                call.task.cancel()
                self._finished(call, _Outcome(_Status.CANCELLED, "", reason))
        self._batches.clear()
        for task in list(self._follow_ups):
            task.cancel()

    # -- server events ---------------------------------------------------------------

    @staticmethod
    def _response_id(event: Mapping[str, Any]) -> str:
        body = event.get("response")
        if isinstance(body, Mapping):
            return text_field(body, "id", "")
        return text_field(event, "response_id", "")

    def _call(self, event: Mapping[str, Any], response_id: str, item: Mapping[str, Any]) -> _Call:
        """The call of `item` (a function_call item), known from before or new."""
        call_id = text_field(item, "call_id", "") or text_field(event, "call_id", "")
        batch = self._batches.setdefault(response_id, _Batch(response_id))
        call = batch.calls.get(call_id)
        if call is None:
            call = _Call(
                call_id,
                text_field(item, "name", "") or text_field(event, "name", ""),
                text_field(item, "id", "") or text_field(event, "item_id", ""),
                response_id,
            )
            batch.calls[call_id] = call
        return call

    def _item_added(self, event: Mapping[str, Any]) -> None:
        item = event.get("item")
        if isinstance(item, Mapping) and item.get("type") == "function_call":
            self._call(event, text_field(event, "response_id", ""), item)

    def _arguments_delta(self, event: Mapping[str, Any]) -> None:
        batch = self._batches.get(text_field(event, "response_id", ""))
        call = batch.calls.get(text_field(event, "call_id", "")) if batch else None
        if call is not None and call.task is None:
            call.arguments += text_field(event, "delta", "")

    def _arguments_done(self, event: Mapping[str, Any]) -> None:
        call = self._call(event, text_field(event, "response_id", ""), {})
        # The reference omits `name` from this event; the item announced it (protocol notes).
        call.name = call.name or text_field(event, "name", "")
        if call.task is None and not call.settled:
            self._start(call, text_field(event, "arguments", "") or call.arguments)

    def _response_done(self, event: Mapping[str, Any]) -> None:
        body = event.get("response")
        if not isinstance(body, Mapping):
            return
        response_id = text_field(body, "id", "")
        completed = text_field(body, "status", "") in ("", "completed")
        output = body.get("output")
        for item in output if isinstance(output, list) else []:
            if isinstance(item, Mapping) and item.get("type") == "function_call":
                call = self._call(event, response_id, item)
                if call.task is None and not call.settled and completed:
                    self._start(call, text_field(item, "arguments", "") or call.arguments)
        batch = self._batches.get(response_id)
        if batch is None:
            return
        if not completed:
            # A cancelled or failed response's calls are void: the model moved on.
            for call in batch.calls.values():
                if not call.settled and call.task is not None:
                    call.task.cancel()
                    self._finished(call, _Outcome(_Status.CANCELLED, "", "The response ended."))
                call.settled = True
        batch.response_done = True
        self._maybe_follow_up(batch)

    # -- running one call ------------------------------------------------------------

    def _start(self, call: _Call, arguments: str) -> None:
        call.arguments = arguments
        call.started_at = self._clock()
        self._emit(
            ToolCallStarted(call.call_id, call.name, arguments, call.item_id, call.response_id)
        )
        call.task = asyncio.get_running_loop().create_task(
            self._run(call), name=f"tool-call-{call.name}"
        )

    async def _run(self, call: _Call) -> None:
        try:
            outcome = await self._outcome(call)
            if call.settled:
                return
            await self._send(
                lambda conn: conn.conversation.item.create(
                    item=FunctionCallOutputItem(call_id=call.call_id, output=outcome.output)
                )
            )
        except asyncio.CancelledError:
            return  # cancel_all reported it
        except ConnectionLost as exc:
            if not call.settled:
                call.settled = True
                self._finished(call, _Outcome(_Status.CANCELLED, "", exc.message))
            return
        call.settled = call.output_sent = True
        self._remember(call.call_id, call.name, call.arguments, outcome.output)
        self._finished(call, outcome)
        batch = self._batches.get(call.response_id)
        if batch is not None:
            self._maybe_follow_up(batch)

    async def _outcome(self, call: _Call) -> _Outcome:
        """Check, ask, run: what the call ends as, and the output the model gets."""
        spec = self._registry.get(call.name)
        if spec is None:
            message = f"There is no tool named {call.name!r}."
            return _Outcome(_Status.FAILED, _error_output(message), message)
        policy = self._registry.policy(spec.name)
        if policy is ToolPolicy.OFF:
            message = f"The user has turned the tool {spec.name!r} off."
            return _Outcome(_Status.DENIED, _error_output(message), message)
        try:
            arguments = self._checker.parse(spec, call.arguments)
        except InvalidArguments as exc:
            return _Outcome(_Status.FAILED, _error_output(str(exc)), str(exc))
        if spec.precheck is not None:
            try:
                spec.precheck(arguments)
            except ToolError as exc:
                return _Outcome(_Status.FAILED, _error_output(str(exc)), str(exc))
        if policy is ToolPolicy.ASK:
            denied = await self._ask(call, spec.risk.value)
            if denied is not None:
                return _Outcome(_Status.DENIED, _error_output(denied), denied)
        return await self._run_handler(spec, arguments)

    async def _run_handler(self, spec: ToolSpec, arguments: Any) -> _Outcome:
        """Run the tool's handler within its time limit; any failure becomes the output."""
        try:
            result = await asyncio.wait_for(spec.handler(arguments), spec.timeout_s)
        except asyncio.TimeoutError:
            message = f"The tool {spec.name!r} did not finish within {spec.timeout_s:g} s."
            return _Outcome(_Status.FAILED, _error_output(message), message)
        except ToolError as exc:
            return _Outcome(_Status.FAILED, _error_output(str(exc)), str(exc))
        except Exception as exc:
            log.warning("tool %s raised", spec.name, exc_info=True)
            message = f"The tool {spec.name!r} failed: {type(exc).__name__}: {exc}"[:300]
            return _Outcome(_Status.FAILED, _error_output(message), message)
        return _Outcome(_Status.OK, _as_output(result))

    async def _ask(self, call: _Call, risk: str) -> str | None:
        """Wait for the user's consent; None when allowed, else why not (for the model)."""
        waiter: asyncio.Future[ToolApprovalDecision] = asyncio.get_running_loop().create_future()
        self._approvals[call.call_id] = waiter
        self._emit(
            ToolApprovalRequested(
                call.call_id, call.name, call.arguments, risk, self._approval_timeout_s
            )
        )
        try:
            decision = await _answer_by_deadline(waiter, self._approval_timeout_s)
        finally:
            self._approvals.pop(call.call_id, None)
        if decision is None:
            return (
                f"The user did not answer the consent prompt within "
                f"{self._approval_timeout_s:g} s, so the call was not run."
            )
        if decision is ToolApprovalDecision.DENY:
            return "The user denied this call."
        if decision is ToolApprovalDecision.ALWAYS_ALLOW:
            self._registry.set_policy(call.name, ToolPolicy.ALWAYS_ALLOW)
        return None

    def _finished(self, call: _Call, outcome: _Outcome) -> None:
        duration_ms = (self._clock() - call.started_at) * 1000.0
        log.info("tool call %s %s in %.0f ms", call.name, outcome.status.value, duration_ms)
        self._emit(
            ToolCallFinished(
                call.call_id,
                call.name,
                outcome.status,
                duration_ms,
                result_preview=result_preview(outcome.output),
                result=outcome.output,
                error=outcome.error,
            )
        )

    # -- the follow-up response ------------------------------------------------------

    def _maybe_follow_up(self, batch: _Batch) -> None:
        """Once the response is over and each of its calls settled, ask for the answer."""
        if not batch.response_done or not all(c.settled for c in batch.calls.values()):
            return
        self._batches.pop(batch.response_id, None)
        if not any(call.output_sent for call in batch.calls.values()):
            return
        task = asyncio.get_running_loop().create_task(self._follow_up(), name="tool-call-follow-up")
        self._follow_ups.add(task)
        task.add_done_callback(self._follow_ups.discard)

    async def _follow_up(self) -> None:
        try:
            await self._request_response()
        except ConnectionLost as exc:
            log.info("the answer to the tool outputs was not requested: %s", exc.message)
