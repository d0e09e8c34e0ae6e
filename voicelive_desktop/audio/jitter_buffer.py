"""Assistant audio waiting for the speaker: pre-roll, flush, underruns and per-item played time.

The asyncio loop thread pushes and flushes; the PortAudio thread pulls. Both sides hold one
short lock: pull only copies samples into the device buffer, so the lock is never held for
longer than a memcpy of one device block.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from voicelive_desktop.audio.samples import FloatArray

# Items whose played time is remembered; the engine only ever asks about the current one.
_PLAYED_ITEMS_KEPT = 32


@dataclass
class _Chunk:
    item_id: str
    samples: FloatArray
    offset: int = 0


class JitterBuffer:
    """Mono float32 audio of response items at the device rate, in arrival order.

    Playback starts `preroll_ms` after audio arrives at an idle buffer, so chunks that arrive
    late by up to that much do not interrupt it. Running dry in the middle of an item (more of
    the same item arrives afterwards) counts as an underrun, re-arms the pre-roll and lengthens
    it a step (half the base pre-roll), up to `max_preroll_ms`. Every `recovery_s` of audio
    played since the last underrun takes one step off again, down to the base: a burst of
    network trouble must not delay every later reply. `flush()` drops everything; the next
    pull plays a `fade_ms` ramp of what was playing instead of cutting it, which would click.
    """

    def __init__(
        self,
        rate: int,
        preroll_ms: int = 80,
        fade_ms: int = 4,
        max_preroll_ms: int = 300,
        recovery_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self._base_preroll_s = preroll_ms / 1000.0
        self._preroll_s = self._base_preroll_s
        self._preroll_step_s = preroll_ms / 2000.0
        self._max_preroll_s = max_preroll_ms / 1000.0
        self._fade_samples = rate * fade_ms // 1000
        self._recovery_samples = max(1, round(recovery_s * rate))
        self._healthy_samples = 0  # played since the last underrun or pre-roll step down
        self._clock = clock
        self._lock = threading.Lock()
        self._chunks: deque[_Chunk] = deque()
        self._buffered = 0
        self._started = False
        self._first_push_at = 0.0
        self._starved_item: str | None = None
        self._last_item: str | None = None
        self._last_write_at = 0.0
        self._fade_tail: FloatArray | None = None
        self._played: dict[str, int] = {}
        self._underruns = 0

    def push(self, item_id: str, samples: FloatArray) -> None:
        """Queue samples of `item_id` (loop thread)."""
        if samples.size == 0:
            return
        with self._lock:
            if self._buffered == 0 and not self._started:
                self._first_push_at = self._clock()
                if self._starved_item == item_id:
                    self._underruns += 1
                    self._preroll_s = min(
                        self._preroll_s + self._preroll_step_s, self._max_preroll_s
                    )
                    self._healthy_samples = 0
                self._starved_item = None
            self._chunks.append(_Chunk(item_id, samples))
            self._buffered += samples.size

    def pull(self, out: FloatArray) -> None:
        """Fill `out` with the next samples, silence where there are none (PortAudio thread)."""
        position = 0
        with self._lock:
            if self._fade_tail is not None:
                position = min(self._fade_tail.size, out.size)
                out[:position] = self._fade_tail[:position]
                self._fade_tail = None
            if not self._started and self._buffered > 0:
                self._started = self._clock() - self._first_push_at >= self._preroll_s
            queued_from = position
            while self._started and position < out.size:
                if not self._chunks:
                    # Ran dry with the device still asking: remembered so that more of the
                    # same item arriving later counts as an underrun, not a new reply.
                    self._starved_item = self._last_item
                    self._started = False
                    break
                chunk = self._chunks[0]
                take = min(out.size - position, chunk.samples.size - chunk.offset)
                out[position : position + take] = chunk.samples[chunk.offset : chunk.offset + take]
                position += take
                chunk.offset += take
                self._buffered -= take
                self._last_item = chunk.item_id
                self._count_played(chunk.item_id, take)
                if chunk.offset == chunk.samples.size:
                    self._chunks.popleft()
            if position > queued_from:
                self._last_write_at = self._clock()  # once per device block, not per chunk
                self._recover(position - queued_from)
        out[position:] = 0.0

    def _recover(self, played: int) -> None:
        """Count healthy playback; enough of it takes a step off a lengthened pre-roll."""
        if self._preroll_s <= self._base_preroll_s:
            return
        self._healthy_samples += played
        if self._healthy_samples >= self._recovery_samples:
            self._healthy_samples = 0
            self._preroll_s = max(self._base_preroll_s, self._preroll_s - self._preroll_step_s)

    def _count_played(self, item_id: str, samples: int) -> None:
        if item_id not in self._played and len(self._played) >= _PLAYED_ITEMS_KEPT:
            del self._played[next(iter(self._played))]
        self._played[item_id] = self._played.get(item_id, 0) + samples

    def flush(self) -> None:
        """Drop all queued audio; the next pull fades out and then stays silent (loop thread)."""
        with self._lock:
            if self._started and self._chunks and self._fade_samples > 0:
                head = self._chunks[0]
                tail = head.samples[head.offset : head.offset + self._fade_samples].copy()
                tail *= np.linspace(1.0, 0.0, tail.size, dtype=np.float32)
                self._fade_tail = tail
            self._chunks.clear()
            self._buffered = 0
            self._started = False
            self._starved_item = None

    def played_ms(self, item_id: str, device_latency_s: float = 0.0) -> int:
        """Milliseconds of `item_id` heard so far: handed to the device, less what was handed
        within the last `device_latency_s` and is still in the device's buffer."""
        with self._lock:
            handed = self._played.get(item_id, 0)
            if item_id == self._last_item:
                in_flight_s = device_latency_s - (self._clock() - self._last_write_at)
                handed -= round(max(0.0, in_flight_s) * self.rate)
            return max(0, handed) * 1000 // self.rate

    @property
    def idle(self) -> bool:
        """True when a pull would only write silence and change nothing: not playing, nothing
        queued, no fade pending.

        Read without the lock, for the device callback's fast path: a push racing with it
        only means this block is silent, which the pre-roll would have made it anyway.
        """
        return not self._started and self._buffered == 0 and self._fade_tail is None

    def is_playing(self) -> bool:
        """True while queued audio is waiting or playing."""
        with self._lock:
            return self._buffered > 0

    @property
    def buffered_ms(self) -> int:
        with self._lock:
            return self._buffered * 1000 // self.rate

    @property
    def preroll_ms(self) -> int:
        """The current pre-roll (it grows after underruns and shrinks back while healthy)."""
        with self._lock:
            return round(self._preroll_s * 1000)

    @property
    def underruns(self) -> int:
        """How often playback ran dry in the middle of an item."""
        with self._lock:
            return self._underruns
