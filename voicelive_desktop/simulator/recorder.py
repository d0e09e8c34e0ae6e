"""What the simulator saw and said, per connection, for tests to assert on and wait for."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Predicate = Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class RecordedEvent:
    """One event on the wire: which connection (1, 2, ... in accept order), its type, its JSON."""

    connection: int
    type: str
    payload: dict[str, Any]


# The demo mode runs the simulator for hours with the microphone streaming 50 events a
# second: keep the recent past only (about 30 MB at worst, audio appends included).
MAX_RECORDED = 20_000


class EventRecorder:
    """Logs of client events received and server events sent (the newest MAX_RECORDED each),
    with waiting."""

    def __init__(self, max_events: int = MAX_RECORDED) -> None:
        self.received: deque[RecordedEvent] = deque(maxlen=max_events)
        self.sent: deque[RecordedEvent] = deque(maxlen=max_events)
        self._changed = asyncio.Event()

    def record_received(self, connection: int, payload: dict[str, Any]) -> None:
        kind = payload.get("type")
        self.received.append(
            RecordedEvent(connection, kind if isinstance(kind, str) else "", payload)
        )
        self._changed.set()

    def record_sent(self, connection: int, payload: dict[str, Any]) -> None:
        self.sent.append(RecordedEvent(connection, str(payload.get("type", "")), payload))
        self._changed.set()

    async def wait_for(
        self,
        log: Iterable[RecordedEvent],
        kind: str,
        timeout: float,
        predicate: Predicate | None,
    ) -> dict[str, Any]:
        """The first event of `kind` in `log` matching `predicate`, waiting if needed."""

        def find() -> dict[str, Any] | None:
            for event in log:
                if event.type == kind and (predicate is None or predicate(event.payload)):
                    return event.payload
            return None

        async def scan() -> dict[str, Any]:
            while True:
                # Clear before looking: an event recorded after the look sets it again.
                self._changed.clear()
                found = find()
                if found is not None:
                    return found
                await self._changed.wait()

        try:
            return await asyncio.wait_for(scan(), timeout)
        except asyncio.TimeoutError:
            seen = sorted({event.type for event in log})
            raise TimeoutError(
                f"no {kind!r} event within {timeout} s; seen so far: {', '.join(seen) or 'none'}"
            ) from None
