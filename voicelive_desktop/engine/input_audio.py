"""The microphone hand-over: a bounded, never-blocking queue uploaded as batched appends."""

from __future__ import annotations

import asyncio
import base64
import logging
from collections import deque
from collections.abc import Callable

from voicelive_desktop.engine.connection import LiveConnection, Request
from voicelive_desktop.engine.errors import ConnectionLost
from voicelive_desktop.protocol import BYTES_PER_SAMPLE, SAMPLE_RATE_HZ, pcm16_bytes_to_ms

log = logging.getLogger(__name__)

_BYTES_PER_MS = SAMPLE_RATE_HZ * BYTES_PER_SAMPLE // 1000


class InputAudioQueue:
    """Collects PCM16 mic frames on the loop thread and hands them out in batches.

    Bounded by duration: when the connection cannot keep up (or is down), the oldest audio
    goes first, because late speech is worth less than current speech and memory must not grow.
    """

    def __init__(self, max_buffered_ms: int = 2000, max_batch_ms: int = 200) -> None:
        self._frames: deque[bytes] = deque()
        self._buffered = 0
        self._max_bytes = max_buffered_ms * _BYTES_PER_MS
        self._max_batch = max_batch_ms * _BYTES_PER_MS
        self.dropped_ms = 0
        self.rejected_frames = 0

    def put(self, frame: bytes) -> bool:
        """Queue one frame; returns False (and counts it) when the frame is not PCM16."""
        if len(frame) % BYTES_PER_SAMPLE:
            self.rejected_frames += 1
            if self.rejected_frames == 1:
                log.warning("input audio: dropped a frame of odd length %d bytes", len(frame))
            return False
        if not frame:
            return True
        self._frames.append(frame)
        self._buffered += len(frame)
        while self._buffered > self._max_bytes and self._frames:
            old = self._frames.popleft()
            self._buffered -= len(old)
            self.dropped_ms += pcm16_bytes_to_ms(len(old))
        return True

    def take_batch(self) -> bytes:
        """Up to one batch of the oldest queued audio (b"" when empty)."""
        parts: list[bytes] = []
        size = 0
        while self._frames and (not parts or size + len(self._frames[0]) <= self._max_batch):
            frame = self._frames.popleft()
            parts.append(frame)
            size += len(frame)
        self._buffered -= size
        return b"".join(parts)

    def clear(self) -> None:
        self._frames.clear()
        self._buffered = 0

    @property
    def buffered_ms(self) -> int:
        return pcm16_bytes_to_ms(self._buffered)

    def __bool__(self) -> bool:
        return bool(self._frames)


def _append(batch: bytes) -> Request:
    encoded = base64.b64encode(batch).decode("ascii")
    return lambda conn: conn.input_audio_buffer.append(audio=encoded)


class MicUpload:
    """Sends queued mic audio to whichever connection is current, in order, as it arrives.

    Frames go out at once when the socket is idle and pile into one append while it is busy,
    so batching costs no latency.
    """

    def __init__(self, current: Callable[[], LiveConnection | None]) -> None:
        self.queue = InputAudioQueue()
        self._current = current
        self._waiting = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def submit(self, frame: bytes) -> bool:
        """Queue one frame (sync, never blocks); False when it was not PCM16."""
        accepted = self.queue.put(frame)
        self._waiting.set()
        return accepted

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="voicelive-upload")

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.queue.clear()

    async def flush(self) -> None:
        """Send everything queued now; raises ConnectionLost if the socket fails."""
        while self.queue:
            live = self._current()
            if live is None or not await live.send_batch(self.queue.take_batch, _append):
                return

    async def _run(self) -> None:
        while True:
            await self._waiting.wait()
            self._waiting.clear()
            try:
                await self.flush()
            except ConnectionLost as exc:
                log.debug("audio upload paused: %s", exc.message)
