"""FunctionCallRunner on hand-made server events: the paths the simulator never takes.

Requests are recorded by running them on a stand-in for the SDK connection's item-create
method: what matters here is which outputs the runner decides to send, and when.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import pytest

from tests.waiting import wait_until
from voicelive_desktop.engine.connection import Request
from voicelive_desktop.engine.events import (
    EngineEvent,
    ToolCallFinished,
    ToolCallStarted,
    ToolCallStatus,
)
from voicelive_desktop.engine.function_calls import MAX_OUTPUT_CHARS, FunctionCallRunner
from voicelive_desktop.tools.registry import ToolPolicy, ToolRegistry, ToolSpec

pytestmark = pytest.mark.asyncio


class Harness:
    def __init__(self, result: Any = "ok") -> None:
        self.events: list[EngineEvent] = []
        self.outputs: list[tuple[str, str]] = []
        self.follow_ups = 0
        self.remembered: list[str] = []
        self.registry = ToolRegistry()
        self.release = asyncio.Event()

        async def handler(arguments: Mapping[str, Any]) -> Any:
            await self.release.wait()
            return result

        self.registry.register(
            ToolSpec(
                "t", "Test.", {"type": "object"}, handler, default_policy=ToolPolicy.ALWAYS_ALLOW
            )
        )
        self.runner = FunctionCallRunner(
            registry=self.registry,
            emit=self.events.append,
            send=self._send,
            request_response=self._follow_up,
            remember=lambda call_id, *rest: self.remembered.append(call_id),
        )

    async def _send(self, request: Request) -> None:
        async def create(item: Any) -> None:
            self.outputs.append((item["call_id"], item["output"]))

        await request(
            SimpleNamespace(conversation=SimpleNamespace(item=SimpleNamespace(create=create)))
        )  # type: ignore[arg-type]

    async def _follow_up(self) -> None:
        self.follow_ups += 1


def item(call_id: str, status: str = "completed", arguments: str = "{}") -> dict[str, Any]:
    return {"type": "function_call", "id": f"i-{call_id}", "call_id": call_id, "name": "t",
            "arguments": arguments, "status": status}  # fmt: skip


def event(kind: str, call_id: str, **fields: str) -> dict[str, Any]:
    return {"type": kind, "response_id": "r1", "call_id": call_id, **fields}


def arguments_done(call_id: str) -> dict[str, Any]:
    return event("response.function_call_arguments.done", call_id, arguments="{}", name="t")


def done(response_status: str, *items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "response.done",
            "response": {"id": "r1", "status": response_status, "output": list(items)}}  # fmt: skip


async def test_a_call_listed_only_in_response_done_still_runs() -> None:
    h = Harness()
    h.release.set()
    h.runner.handle(done("completed", item("c1")))
    await wait_until(lambda: h.follow_ups == 1, what="the follow-up")
    assert h.outputs == [("c1", "ok")] and h.remembered == ["c1"]
    assert not h.runner.busy


async def test_outputs_wait_for_response_done_before_the_follow_up() -> None:
    h = Harness()
    h.release.set()
    added = item("c1", "in_progress", "")
    h.runner.handle({"type": "response.output_item.added", "response_id": "r1", "item": added})
    h.runner.handle(event("response.function_call_arguments.delta", "c1", delta="{"))
    h.runner.handle(event("response.function_call_arguments.done", "c1", arguments="{}"))
    await wait_until(lambda: bool(h.outputs), what="the output")
    await asyncio.sleep(0.05)
    assert h.follow_ups == 0 and h.runner.busy  # the response is still open
    h.runner.handle(done("completed", item("c1")))
    await wait_until(lambda: h.follow_ups == 1, what="the follow-up")
    assert [type(e) for e in h.events] == [ToolCallStarted, ToolCallFinished]


async def test_a_cancelled_response_voids_its_running_calls() -> None:
    h = Harness()
    h.runner.handle(arguments_done("c1"))
    h.runner.handle(done("cancelled", item("c1", "incomplete")))
    h.release.set()
    await asyncio.sleep(0.05)
    finished = [e for e in h.events if isinstance(e, ToolCallFinished)]
    assert [f.status for f in finished] == [ToolCallStatus.CANCELLED]
    assert h.outputs == [] and h.follow_ups == 0 and not h.runner.busy


async def test_an_incomplete_call_that_never_started_is_dropped() -> None:
    h = Harness()
    h.runner.handle(done("incomplete", item("c1", "incomplete")))
    await asyncio.sleep(0.05)
    assert h.events == [] and h.outputs == [] and not h.runner.busy


async def test_huge_results_are_cut_for_the_model() -> None:
    h = Harness(result={"blob": "x" * (MAX_OUTPUT_CHARS * 2)})
    h.release.set()
    h.runner.handle(done("completed", item("c1")))
    await wait_until(lambda: bool(h.outputs), what="the output")
    output = h.outputs[0][1]
    assert len(output) < MAX_OUTPUT_CHARS + 50 and output.endswith(
        "[output cut at 8000 characters]"
    )
    finished = next(e for e in h.events if isinstance(e, ToolCallFinished))
    assert len(finished.result_preview) <= 120


async def test_cancel_all_reports_each_running_call_once() -> None:
    h = Harness()
    for call_id in ("c1", "c2"):
        h.runner.handle(arguments_done(call_id))
    h.runner.cancel_all("barge-in")
    h.runner.cancel_all("again")
    h.release.set()
    await asyncio.sleep(0.05)
    finished = [e for e in h.events if isinstance(e, ToolCallFinished)]
    assert [(f.call_id, f.status, f.error) for f in finished] == [
        ("c1", ToolCallStatus.CANCELLED, "barge-in"),
        ("c2", ToolCallStatus.CANCELLED, "barge-in"),
    ]
    h.runner.handle(done("completed", item("c1"), item("c2")))  # late: nothing reruns
    await asyncio.sleep(0.05)
    assert h.outputs == [] and h.follow_ups == 0
