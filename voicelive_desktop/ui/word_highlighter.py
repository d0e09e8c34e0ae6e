"""Drives the transcript's heard-word highlighting from the milliseconds actually played."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from voicelive_desktop.engine.events import (
    AssistantInterrupted,
    AssistantWordTimed,
    EngineEvent,
    ResponseFinished,
    SessionState,
    SessionStateChanged,
)
from voicelive_desktop.ui.transcript_view import TranscriptView
from voicelive_desktop.ui.word_timeline import HEARD_ALL

TICK_MS = 40  # 25 updates a second: finer than a spoken word, cheap while it runs
# After its response ended, an item whose played time stands still this long is over.
_STALL_TICKS = 1500 // TICK_MS

PlayedMs = Callable[[str], "int | None"]


class WordHighlighter(QObject):
    """Follows the one item being spoken: while it plays, asks `played_ms(item_id)` (the
    speaker's count of that item's audio actually heard) and passes it to the transcript.

    The timer runs only from an item's first word timestamp until it was heard to the end,
    cut off, or the session ended; when `played_ms` answers None (no speaker: a text-only
    session) nothing is highlighted and the text shows as it arrived.
    """

    def __init__(self, transcript: TranscriptView, played_ms: PlayedMs, parent: QObject) -> None:
        super().__init__(parent)
        self._transcript = transcript
        self._played_ms = played_ms
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        self.item_id: str | None = None
        self._response_id = ""
        self._finished = False
        self._last_played = -1
        self._still_ticks = 0
        self._end_ms = 0

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def show_event(self, event: EngineEvent) -> None:
        if isinstance(event, AssistantWordTimed):
            if event.item_id != self.item_id:
                self._follow(event)
            self._end_ms = max(self._end_ms, event.audio_offset_ms + event.audio_duration_ms)
        elif isinstance(event, ResponseFinished) and event.response_id == self._response_id:
            self._finished = True
        elif isinstance(event, AssistantInterrupted) and event.item_id == self.item_id:
            self._stop()  # the transcript strikes the rest through itself
        elif isinstance(event, SessionStateChanged) and event.state is SessionState.DISCONNECTED:
            if self.item_id is not None:
                self._transcript.show_heard(self.item_id, HEARD_ALL)
            self._stop()

    def _follow(self, event: AssistantWordTimed) -> None:
        if self.item_id is not None:
            self._transcript.show_heard(self.item_id, HEARD_ALL)  # a new item: the old is over
        self.item_id, self._response_id = event.item_id, event.response_id
        self._finished, self._last_played, self._still_ticks, self._end_ms = False, -1, 0, 0
        self._timer.start()
        self.tick()

    def tick(self) -> None:
        item_id = self.item_id
        if item_id is None:
            return
        played = self._played_ms(item_id)
        if played is None:
            self._stop()
            return
        self._transcript.show_heard(item_id, played)
        self._still_ticks = self._still_ticks + 1 if played == self._last_played else 0
        self._last_played = played
        heard_to_the_end = self._finished and played >= self._end_ms
        if heard_to_the_end or (self._finished and self._still_ticks >= _STALL_TICKS):
            self._transcript.show_heard(item_id, HEARD_ALL)
            self._stop()

    def _stop(self) -> None:
        self._timer.stop()
        self.item_id = None
