"""The responses the service has started and not finished, and the ones it just finished."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

_MAX_TRACKED_RESPONSES = 32


@dataclass
class OpenResponse:
    """What one response has streamed so far: its message item, transcript and audio."""

    response_id: str
    item_id: str = ""
    transcript: list[str] = field(default_factory=list)
    audio_bytes: int = 0
    output_started: bool = False
    interrupted: bool = False
    transcript_done: bool = False


class OpenResponses:
    """Owns which responses are open (in the order the service started them) and the ids of
    the last ones finished, so a late or repeated event for a finished response is told
    apart from the start of a new one."""

    def __init__(self) -> None:
        self._open: OrderedDict[str, OpenResponse] = OrderedDict()
        self._finished: OrderedDict[str, None] = OrderedDict()

    def __bool__(self) -> bool:
        return bool(self._open)

    def all(self) -> list[OpenResponse]:
        """The open responses, oldest first."""
        return list(self._open.values())

    def get(self, response_id: str) -> OpenResponse | None:
        return self._open.get(response_id)

    def is_new(self, response_id: str) -> bool:
        """False for no id, and for a response open or finished before (out of order)."""
        seen = response_id in self._open or response_id in self._finished
        return bool(response_id) and not seen

    def start(self, response_id: str) -> None:
        self._open[response_id] = OpenResponse(response_id)

    def finish(self, response: OpenResponse) -> None:
        self._open.pop(response.response_id, None)
        self._finished[response.response_id] = None
        while len(self._finished) > _MAX_TRACKED_RESPONSES:
            self._finished.popitem(last=False)
