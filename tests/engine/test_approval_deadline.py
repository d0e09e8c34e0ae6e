"""The consent timeout holds to the second on a loop whose timers fire early (qasync's)."""

from __future__ import annotations

import asyncio

from tests.early_loop import EarlyLoop
from tests.engine.test_function_calls import Harness, arguments_done
from voicelive_desktop.engine.events import (
    EngineEvent,
    ToolApprovalRequested,
    ToolCallFinished,
    ToolCallStatus,
)
from voicelive_desktop.engine.function_calls import FunctionCallRunner
from voicelive_desktop.tools.registry import ToolPolicy


def test_an_unanswered_prompt_is_denied_no_sooner_than_its_timeout() -> None:
    loop = EarlyLoop()

    async def run() -> tuple[float, float]:
        h = Harness()
        h.registry.set_policy("t", ToolPolicy.ASK)
        asked: list[float] = []
        denied: list[float] = []

        def emit(event: EngineEvent) -> None:
            if isinstance(event, ToolApprovalRequested):
                asked.append(loop.time())
            elif isinstance(event, ToolCallFinished):
                assert event.status is ToolCallStatus.DENIED
                denied.append(loop.time())

        runner = FunctionCallRunner(
            registry=h.registry,
            emit=emit,
            send=h._send,
            request_response=h._follow_up,
            remember=lambda *_: None,
            approval_timeout_s=1.0,
        )
        runner.handle(arguments_done("c1"))
        while not denied:
            await asyncio.sleep(0.01)
        return asked[0], denied[0]

    try:
        asked, denied = loop.run_until_complete(run())
    finally:
        loop.close()
    assert denied - asked >= 0.995, denied - asked
