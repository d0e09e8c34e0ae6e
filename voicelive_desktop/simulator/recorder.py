"""What the simulator saw and said, per connection, for tests to assert on and wait for."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Predicate = Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class RecordedEvent:
    """One event on the wire: which connection (1, 2, ... in accept order), its type, its JSON."""

    connection: int
    type: str
    payload: dict[str, Any]


class EventRecorder:
    """Append-only logs of client events received and server events sent, with waiting."""

    def __init__(self) -> None:
        self.received: list[RecordedEvent] = []
        self.sent: list[RecordedEvent] = []
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
        log: list[RecordedEvent],
        kind: str,
        timeout: float,
        predicate: Predicate | None,
        start: int = 0,
    ) -> dict[str, Any]:
        """The first event of `kind` in `log[start:]` matching `predicate`, waiting if needed."""

        def find() -> dict[str, Any] | None:
            for event in log[start:]:
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
