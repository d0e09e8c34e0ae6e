"""One tool call as the history keeps it, and its row in the `tool_calls` table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

# The table's columns after `turn_id`, in the order `as_row` gives them.
TOOL_CALL_COLUMNS = "call_id, name, arguments, result, status, error, started_at, duration_ms"


@dataclass(frozen=True)
class ToolCallRecord:
    """A finished tool call: what was called with what, what came back, and how it ended."""

    call_id: str
    name: str
    arguments: str  # the JSON text the model sent
    result: str  # what the model was sent back
    status: str  # "ok", "failed", "denied", "cancelled"
    started_at: datetime  # timezone-aware UTC
    duration_ms: float
    error: str = ""  # why it failed, was denied or cancelled

    def as_row(self) -> tuple[object, ...]:
        if self.started_at.tzinfo is None:
            raise ValueError("history timestamps must be timezone-aware")
        return (
            self.call_id,
            self.name,
            self.arguments,
            self.result,
            self.status,
            self.error,
            self.started_at.timestamp(),
            self.duration_ms,
        )

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> ToolCallRecord:
        call_id, name, arguments, result, status, error, started, duration = row
        return cls(
            call_id=call_id,
            name=name,
            arguments=arguments,
            result=result,
            status=status,
            error=error,
            started_at=datetime.fromtimestamp(started, tz=timezone.utc),
            duration_ms=duration,
        )
