"""Records a conversation, the microphone beside the assistant as the user heard it."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voicelive_desktop.protocol import BYTES_PER_SAMPLE, SAMPLE_RATE_HZ
from voicelive_desktop.recording.formats import RecordingFormat
from voicelive_desktop.recording.track_writer import TrackWriter

log = logging.getLogger(__name__)

_BYTES_PER_MS = SAMPLE_RATE_HZ * BYTES_PER_SAMPLE // 1000
# Assistant audio not played yet: beyond this the oldest items go, so a speaker that is gone
# (nothing plays) cannot grow the queue without end.
_MAX_PENDING_BYTES = 120_000 * _BYTES_PER_MS


@dataclass
class _ItemAudio:
    item_id: str
    audio: bytearray  # not yet played
    offset: int = 0  # bytes of the item played before `audio`


class ConversationRecorder:
    """Owns one take (one file, or two for two tracks) while it records; fed on the event loop
    with audio already handed to it, written by a TrackWriter off the loop.

    The microphone's frames set the time line: each frame is written on the left with as much
    heard assistant audio on the right (silence when there is none). Assistant audio becomes
    "heard" as the speaker reports it played (`release_played` with its played ms per item),
    so the right channel is the assistant as the user heard it: after the pre-roll, never
    the words a barge-in cut off, nothing while the speaker was gone.
    """

    def __init__(self, take: Path, audio_format: RecordingFormat | None = None) -> None:
        """`take`: the recording's path without extension; OSError if it cannot be created."""
        take.parent.mkdir(parents=True, exist_ok=True)
        self._file: TrackWriter | None = TrackWriter(take, audio_format or RecordingFormat())
        self.paths = self._file.paths
        self._unplayed: deque[_ItemAudio] = deque()  # handed to the speaker, not played yet
        self._unplayed_bytes = 0
        self._assistant: deque[bytes] = deque()  # played: waiting for the mic's time line
        self.frames_written = 0
        self.started_at = time.monotonic()

    @property
    def recording(self) -> bool:
        return self._file is not None

    @property
    def duration_s(self) -> float:
        return self.frames_written / SAMPLE_RATE_HZ

    def add_assistant(self, item_id: str, pcm16: bytes) -> None:
        """Queue assistant audio (24 kHz mono PCM16) of `item_id` as it goes to the speaker."""
        if self._file is None or not pcm16:
            return
        if self._unplayed and self._unplayed[-1].item_id == item_id:
            self._unplayed[-1].audio += pcm16
        else:
            self._unplayed.append(_ItemAudio(item_id, bytearray(pcm16)))
        self._unplayed_bytes += len(pcm16)
        while self._unplayed_bytes > _MAX_PENDING_BYTES and len(self._unplayed) > 1:
            self._unplayed_bytes -= len(self._unplayed.popleft().audio)

    def release_played(self, played_ms: Callable[[str], int] | None) -> None:
        """Move the assistant audio the speaker has played so far (`played_ms(item_id)`, the
        item's milliseconds heard) onto the recording's time line; None: all of it."""
        while self._unplayed:
            head = self._unplayed[0]
            if played_ms is None:
                played_bytes = head.offset + len(head.audio)
            else:
                played_bytes = played_ms(head.item_id) * _BYTES_PER_MS
            take = min(len(head.audio), max(0, played_bytes - head.offset))
            take -= take % BYTES_PER_SAMPLE
            if take:
                self._assistant.append(bytes(head.audio[:take]))
                del head.audio[:take]
                head.offset += take
                self._unplayed_bytes -= take
            if len(self._unplayed) == 1:
                return  # more of it may still come
            following = self._unplayed[1].item_id
            if head.audio and (played_ms is None or played_ms(following) == 0):
                return  # still playing
            # The next item plays: what is left of this one (rounding) was heard too.
            self._assistant.append(bytes(head.audio))
            self._unplayed_bytes -= len(head.audio)
            self._unplayed.popleft()

    def flush_assistant(self) -> None:
        """The speaker was flushed (barge-in): what it did not play is not recorded either."""
        self._unplayed.clear()
        self._unplayed_bytes = 0
        self._assistant.clear()

    def add_mic(self, pcm16: bytes) -> None:
        """Write one mic frame beside the same length of assistant audio."""
        if self._file is None or not pcm16:
            return
        if self._file.error is not None:  # the writer gave up (it logged why)
            self.stop()
            return
        right = self._take_assistant(len(pcm16))
        block = np.empty((len(pcm16) // BYTES_PER_SAMPLE, 2), dtype=np.int16)
        block[:, 0] = np.frombuffer(pcm16, dtype="<i2")
        block[:, 1] = np.frombuffer(right, dtype="<i2")
        self._file.write(block)
        self.frames_written += len(block)

    def _take_assistant(self, size: int) -> bytes:
        parts: list[bytes] = []
        needed = size
        while needed and self._assistant:
            head = self._assistant[0]
            if len(head) <= needed:
                parts.append(self._assistant.popleft())
                needed -= len(head)
            else:
                parts.append(head[:needed])
                self._assistant[0] = head[needed:]
                needed = 0
        taken = b"".join(parts)
        return taken + bytes(size - len(taken))

    def stop(self) -> None:
        """Finish the files (their headers get the final length); safe to call twice. Waits
        only for the blocks still queued (a few frames) to be written."""
        file, self._file = self._file, None
        self.flush_assistant()
        if file is not None:
            file.close()
            log.info("recording saved: %s (%.1f s)", self.paths[0], self.duration_s)
