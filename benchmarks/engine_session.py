"""Session-engine benchmark: dispatch cost per server event, turn latency and reconnect time.

Against the in-process simulator over a real websocket with the real SDK:
- SDK parse + engine dispatch per event, for 100 ms audio deltas and for small text deltas;
- typed text -> first assistant audio (the engine's TurnLatencyMeasured), over several turns;
- connection dropped mid-response -> READY again with the context restored.
It prints figures and asserts nothing; timings depend on the machine and its load.

    .venv/bin/python benchmarks/engine_session.py [--turns 5] [--drops 5]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from azure.ai.voicelive.models import ServerEvent

from voicelive_desktop.engine import (
    ConnectionSettings,
    EngineEvent,
    ResponseFinished,
    SessionEngine,
    SessionSettings,
    SessionState,
    SessionStateChanged,
    TurnLatencyMeasured,
    key_credential,
)
from voicelive_desktop.engine.conversation_memory import ConversationMemory
from voicelive_desktop.engine.server_events import ServerEventHandler
from voicelive_desktop.engine.state import SessionStateMachine
from voicelive_desktop.protocol import DEMO_API_KEY
from voicelive_desktop.simulator import VoiceLiveSimulator


def parse(payload: dict[str, Any]) -> ServerEvent:
    """What `VoiceLiveConnection.recv()` does with a frame's JSON."""
    event: ServerEvent = ServerEvent._deserialize(payload, [])  # type: ignore[no-untyped-call]
    return event


def dispatch_cost(kind: str, count: int) -> tuple[float, float]:
    """Microseconds per event for JSON decode + SDK model alone (the baseline every client of
    the SDK pays) and with the engine's dispatch on top, measured alike in the same run."""
    states = SessionStateMachine(lambda new, old: None)
    states.advance(SessionState.CONNECTING)
    states.advance(SessionState.READY)
    handler = ServerEventHandler(
        emit=lambda event: None,
        states=states,
        memory=ConversationMemory(),
        playback=None,
        on_session_updated=lambda session: None,
        on_barge_in=lambda barge_in: None,
    )
    handler.handle(parse({"type": "response.created", "response": {"id": "r"}}))
    if kind == "audio":
        body = {"delta": base64.b64encode(bytes(4800)).decode()}  # 100 ms of 24 kHz PCM16
        kind_name = "response.audio.delta"
    else:
        body = {"delta": "word "}
        kind_name = "response.audio_transcript.delta"
    frame = json.dumps({"type": kind_name, "response_id": "r", "item_id": "i", **body})

    def per_event_us(step: Callable[[], object]) -> float:
        began = time.perf_counter()
        for _ in range(count):
            step()
        return (time.perf_counter() - began) / count * 1e6

    sdk_only = per_event_us(lambda: parse(json.loads(frame)))
    with_engine = per_event_us(lambda: handler.handle(parse(json.loads(frame))))
    return sdk_only, with_engine


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[float, EngineEvent]] = []
        self.changed = asyncio.Event()

    def __call__(self, event: EngineEvent) -> None:
        self.events.append((time.monotonic(), event))
        self.changed.set()

    async def next(
        self, kind: type, since: int, predicate: Callable[[Any], bool] = lambda _: True
    ) -> float:
        while True:
            for stamp, event in self.events[since:]:
                if isinstance(event, kind) and predicate(event):
                    return stamp
            self.changed.clear()
            await self.changed.wait()


async def session_figures(turns: int, drops: int) -> None:
    async with VoiceLiveSimulator() as sim:
        engine = SessionEngine(
            ConnectionSettings(endpoint=sim.endpoint),
            key_credential(DEMO_API_KEY),
            SessionSettings(),
        )
        rec = Recorder()
        engine.subscribe(rec)
        began = time.monotonic()
        await engine.start()
        print(f"start (connect + session.updated): {(time.monotonic() - began) * 1000:.0f} ms")
        latencies: list[float] = []
        for turn in range(turns):
            mark = len(rec.events)
            await engine.send_text(f"Benchmark turn {turn}.")
            await rec.next(ResponseFinished, mark)
            latencies += [
                e.latency_ms for _, e in rec.events[mark:] if isinstance(e, TurnLatencyMeasured)
            ]
        print(
            f"text -> first audio over {len(latencies)} turns: median "
            f"{statistics.median(latencies):.0f} ms, max {max(latencies):.0f} ms"
        )
        reconnects: list[float] = []
        for _ in range(drops):
            sim.faults.drop_after_audio_deltas = 2
            mark = len(rec.events)
            await engine.send_text("A reply to be cut by a dropped connection.")
            lost = await rec.next(
                SessionStateChanged, mark, lambda e: e.state is SessionState.RECONNECTING
            )
            ready = await rec.next(
                SessionStateChanged,
                mark,
                lambda e: e.state is SessionState.READY and e.previous is SessionState.RECONNECTING,
            )
            reconnects.append((ready - lost) * 1000)
        print(
            f"drop -> READY with context over {drops} drops: median "
            f"{statistics.median(reconnects):.0f} ms, max {max(reconnects):.0f} ms"
        )
        await engine.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--drops", type=int, default=5)
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    for kind in ("audio", "text"):
        sdk_only, with_engine = dispatch_cost(kind, args.events)
        print(
            f"{kind} delta: SDK parse alone {sdk_only:.1f} us/event, with engine dispatch "
            f"{with_engine:.1f} us/event ({with_engine / sdk_only:.2f}x the SDK's own cost)"
        )
    asyncio.run(session_figures(args.turns, args.drops))


if __name__ == "__main__":
    main()
