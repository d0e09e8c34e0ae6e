"""Engine test fixtures: the scripted fault server, a quiet simulator, a wall-clock playback
sink, an event log."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import TypeVar

import pytest_asyncio

from tests.engine.scripted_server import ScriptedServer
from voicelive_desktop.engine import EngineEvent
from voicelive_desktop.protocol import pcm16_bytes_to_ms
from voicelive_desktop.simulator import VoiceLiveSimulator

E = TypeVar("E")


class WallClockPlayback:
    """A PlaybackSink that 'plays' queued audio in real time without a device.

    Played milliseconds grow with wall time from the first enqueue, capped by what was
    queued: the same arithmetic a speaker applies, which barge-in truncation depends on.
    """

    def __init__(self) -> None:
        self.queued_ms: dict[str, int] = {}
        self.flushes = 0
        self._started: dict[str, float] = {}
        self._frozen: dict[str, int] = {}

    def enqueue(self, item_id: str, pcm16: bytes) -> None:
        self._started.setdefault(item_id, time.monotonic())
        self.queued_ms[item_id] = self.queued_ms.get(item_id, 0) + pcm16_bytes_to_ms(len(pcm16))

    def flush(self) -> None:
        self.flushes += 1
        for item_id in self._started:
            self._frozen[item_id] = self.played_ms(item_id)
        self._started.clear()

    def played_ms(self, item_id: str) -> int:
        if item_id in self._frozen:
            return self._frozen[item_id]
        started = self._started.get(item_id)
        if started is None:
            return 0
        elapsed = int((time.monotonic() - started) * 1000)
        return min(elapsed, self.queued_ms.get(item_id, 0))

    def is_playing(self) -> bool:
        return any(self.played_ms(i) < self.queued_ms[i] for i in self._started)


class EventLog:
    """Every engine event in order, with waiting helpers for integration tests."""

    def __init__(self) -> None:
        self.events: list[EngineEvent] = []
        self._changed = asyncio.Event()

    def __call__(self, event: EngineEvent) -> None:
        self.events.append(event)
        self._changed.set()

    def of(self, kind: type[E]) -> list[E]:
        return [e for e in self.events if isinstance(e, kind)]

    async def wait_for(
        self, kind: type[E], predicate: Callable[[E], bool] = lambda _: True, timeout: float = 10.0
    ) -> E:
        async def scan() -> E:
            while True:
                for event in self.events:
                    if isinstance(event, kind) and predicate(event):
                        return event
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(scan(), timeout)


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[VoiceLiveSimulator]:
    """A simulator without espeak: its audio is a tone, quick for tests that only need text."""
    async with VoiceLiveSimulator(use_espeak=False) as simulator:
        yield simulator


@pytest_asyncio.fixture
async def scripted_server() -> AsyncIterator[ScriptedServer]:
    server = ScriptedServer()
    await server.start()
    yield server
    await server.close()
