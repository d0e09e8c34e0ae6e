"""Drives the transcript's heard-word highlighting from the milliseconds actually played."""

from __future__ import annotations

import time
from bisect import bisect_right, insort
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

# Never sooner than a device block after the last look: the played count moves in blocks.
MIN_WAIT_MS = 20
# While the played time stands still (the audio has not come yet, or stalled), look this often.
STILL_WAIT_MS = 120
# A look this soon after the played time last moved may fall inside one device block: the
# audio still counts as playing.
_MOVED_LATELY_S = 0.05
# After its response ended, an item whose played time stands still this long is over.
_STALL_S = 1.5

PlayedMs = Callable[[str], "int | None"]


class WordHighlighter(QObject):
    """Follows the one item being spoken: while it plays, asks `played_ms(item_id)` (the
    speaker's count of that item's audio actually heard) and passes it to the transcript.

    It looks only when the highlight can change: when the next timed word's start is due
    (played time runs at real time while audio plays), when a new timestamp arrives, and
    slowly while the played time stands still. It follows an item from its first word
    timestamp until it was heard to the end, cut off, or the session ended; when `played_ms`
    answers None (no speaker: a text-only session) nothing is highlighted and the text shows
    as it arrived.
    """

    def __init__(self, transcript: TranscriptView, played_ms: PlayedMs, parent: QObject) -> None:
        super().__init__(parent)
        self._transcript = transcript
        self._played_ms = played_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.tick)
        self.item_id: str | None = None
        self._response_id = ""
        self._finished = False
        self._last_played = -1
        self._still_since = 0.0
        self._end_ms = 0
        self._starts: list[int] = []  # the followed item's word starts, ms into its audio

    @property
    def running(self) -> bool:
        return self.item_id is not None

    @property
    def next_look_ms(self) -> int | None:
        """In how many ms it looks at the played time next (None: when a timestamp comes)."""
        return self._timer.interval() if self._timer.isActive() else None

    def show_event(self, event: EngineEvent) -> None:
        if isinstance(event, AssistantWordTimed):
            if event.item_id != self.item_id:
                self._follow(event)
            insort(self._starts, event.audio_offset_ms)
            self._end_ms = max(self._end_ms, event.audio_offset_ms + event.audio_duration_ms)
            self.tick()  # a word already played lights up at once; the next one is scheduled
        elif isinstance(event, ResponseFinished) and event.response_id == self._response_id:
            self._finished = True
            self.tick()
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
        self._finished, self._last_played, self._end_ms = False, -1, 0
        self._still_since = time.monotonic()
        self._starts = []

    def tick(self) -> None:
        item_id = self.item_id
        if item_id is None:
            return
        played = self._played_ms(item_id)
        if played is None:
            self._stop()
            return
        self._transcript.show_heard(item_id, played)  # restyles only if the highlight moved
        now = time.monotonic()
        if played != self._last_played:
            self._still_since = now
        moving = now - self._still_since < _MOVED_LATELY_S
        self._last_played = played
        stalled = self._finished and now - self._still_since >= _STALL_S
        if (self._finished and played >= self._end_ms) or stalled:
            self._transcript.show_heard(item_id, HEARD_ALL)
            self._stop()
            return
        self._schedule(played, moving)

    def _schedule(self, played: int, moving: bool) -> None:
        """Look again when the next word (or the end) is due, or soon if nothing plays."""
        following = bisect_right(self._starts, played)
        if following < len(self._starts):
            due: int | None = self._starts[following]
        else:
            due = self._end_ms if self._finished else None
        if not moving:
            wait = STILL_WAIT_MS
        elif due is None:
            self._timer.stop()  # the next timestamp will look again when it comes
            return
        else:
            wait = max(MIN_WAIT_MS, due - played)
        self._timer.start(wait)

    def _stop(self) -> None:
        self._timer.stop()
        self.item_id = None
        self._starts = []
