"""Tool round trip: `response.function_call_arguments.done` in -> `function_call_output` out.

Against the in-process simulator over a real websocket with the real SDK, a typed "What time
is it?" makes the simulator call get_current_time; the engine checks the arguments, runs the
tool and sends its output. Timed per call from the moment the engine is handed the parsed
`.done` event to the moment the output's send has returned (ToolCallFinished is emitted right
after it). Beside it, in the same run: what the SDK itself spends parsing that `.done` frame
(JSON decode + its model), the cost every client pays before any of ours. The goal is a
median under 5 ms. It prints figures and asserts nothing.

    .venv/bin/python benchmarks/tool_roundtrip.py [--calls 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Mapping
from typing import Any

from azure.ai.voicelive.models import ServerEvent

from voicelive_desktop.engine import (
    AssistantTranscriptCompleted,
    ConnectionSettings,
    EngineEvent,
    SessionEngine,
    SessionSettings,
    key_credential,
)
from voicelive_desktop.engine.events import ToolCallFinished, ToolCallStatus
from voicelive_desktop.protocol import DEMO_API_KEY
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.tools.clock import clock_tool
from voicelive_desktop.tools.registry import ToolRegistry

_DONE_FRAME = json.dumps(
    {
        "type": "response.function_call_arguments.done",
        "event_id": "event_000123",
        "response_id": "resp_000042",
        "item_id": "item_000043",
        "output_index": 0,
        "call_id": "call_000044",
        "name": "get_current_time",
        "arguments": "{}",
    }
)


def sdk_parse_us(count: int) -> float:
    """Microseconds the SDK spends per `.done` frame: what `VoiceLiveConnection.recv()` does."""
    began = time.perf_counter()
    for _ in range(count):
        ServerEvent._deserialize(json.loads(_DONE_FRAME), [])  # type: ignore[no-untyped-call]
    return (time.perf_counter() - began) / count * 1e6


class RoundTrips:
    """Stamps each `.done` as the engine receives it and each call's end, by call_id."""

    def __init__(self) -> None:
        self.received: dict[str, float] = {}
        self.sent: dict[str, float] = {}
        self.answers = 0
        self.changed = asyncio.Event()

    def on_server_event(self, event: Mapping[str, Any]) -> None:
        if event.get("type") == "response.function_call_arguments.done":
            self.received[str(event.get("call_id"))] = time.perf_counter()

    def __call__(self, event: EngineEvent) -> None:
        if isinstance(event, ToolCallFinished):
            if event.status is not ToolCallStatus.OK:
                raise RuntimeError(f"the tool call failed: {event.error}")
            self.sent[event.call_id] = time.perf_counter()
        elif isinstance(event, AssistantTranscriptCompleted):
            self.answers += 1
            self.changed.set()

    def milliseconds(self) -> list[float]:
        return [(self.sent[c] - self.received[c]) * 1000 for c in self.sent if c in self.received]


async def round_trips(calls: int) -> list[float]:
    registry = ToolRegistry()
    registry.register(clock_tool())
    async with VoiceLiveSimulator(use_espeak=False) as sim:
        engine = SessionEngine(
            ConnectionSettings(endpoint=sim.endpoint),
            key_credential(DEMO_API_KEY),
            SessionSettings(modalities=("text",)),
            tools=registry,
        )
        stamps = RoundTrips()
        engine.subscribe(stamps)
        handle = engine._handle_server_event  # stamp before the engine's own work begins

        def stamped(event: Mapping[str, Any]) -> None:
            stamps.on_server_event(event)
            handle(event)

        engine._handle_server_event = stamped  # type: ignore[method-assign]
        await engine.start()
        try:
            for turn in range(calls):
                await engine.send_text("What time is it?")
                while stamps.answers <= turn:
                    stamps.changed.clear()
                    await asyncio.wait_for(stamps.changed.wait(), 10)
        finally:
            await engine.stop()
    return stamps.milliseconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--parses", type=int, default=20_000)
    args = parser.parse_args()
    parse_us = sdk_parse_us(args.parses)
    times = asyncio.run(round_trips(args.calls))
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[-1]
    print(f"SDK parse of response.function_call_arguments.done: {parse_us:.1f} us/event")
    print(
        f"arguments.done -> function_call_output sent, get_current_time, {len(times)} calls: "
        f"median {median:.2f} ms, p95 {p95:.2f} ms, max {max(times):.2f} ms "
        f"({median * 1000 / parse_us:.0f}x the SDK's parse of that event; goal: median < 5 ms)"
    )


if __name__ == "__main__":
    main()
