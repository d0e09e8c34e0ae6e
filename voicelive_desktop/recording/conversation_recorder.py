"""Records a conversation as a stereo WAV: the microphone left, the assistant right."""

from __future__ import annotations

import logging
import time
import wave
from collections import deque
from pathlib import Path

from voicelive_desktop.protocol import BYTES_PER_SAMPLE, SAMPLE_RATE_HZ

log = logging.getLogger(__name__)

_CHANNELS = 2
# Assistant audio waiting to be laid beside the mic: more than this is dropped (oldest first),
# so a stalled microphone cannot grow the queue without end.
_MAX_PENDING_ASSISTANT_MS = 120_000


class ConversationRecorder:
    """Owns one open recording file; fed on the event loop with audio already handed to it.

    The microphone's frames set the time line: each frame is written on the left with as much
    queued assistant audio on the right (silence when there is none). The speaker plays the
    assistant at the same real-time pace, so the right channel follows what was heard, each
    reply starting earlier by the speaker's pre-roll and output latency (about a tenth of a
    second). A barge-in flushes the queued assistant audio, as the speaker does, so words
    never played are never recorded.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file: wave.Wave_write | None = wave.open(str(path), "wb")  # noqa: SIM115
        self._file.setnchannels(_CHANNELS)
        self._file.setsampwidth(BYTES_PER_SAMPLE)
        self._file.setframerate(SAMPLE_RATE_HZ)
        self._assistant: deque[bytes] = deque()
        self._assistant_bytes = 0
        self.frames_written = 0
        self.started_at = time.monotonic()

    @property
    def recording(self) -> bool:
        return self._file is not None

    @property
    def duration_s(self) -> float:
        return self.frames_written / SAMPLE_RATE_HZ

    def add_assistant(self, pcm16: bytes) -> None:
        """Queue assistant audio (24 kHz mono PCM16) as it is handed to the speaker."""
        if self._file is None or not pcm16:
            return
        self._assistant.append(pcm16)
        self._assistant_bytes += len(pcm16)
        limit = SAMPLE_RATE_HZ * BYTES_PER_SAMPLE * _MAX_PENDING_ASSISTANT_MS // 1000
        while self._assistant_bytes > limit and self._assistant:
            self._assistant_bytes -= len(self._assistant.popleft())

    def flush_assistant(self) -> None:
        """The speaker was flushed (barge-in): what it did not play is not recorded either."""
        self._assistant.clear()
        self._assistant_bytes = 0

    def add_mic(self, pcm16: bytes) -> None:
        """Write one mic frame beside the same length of assistant audio."""
        if self._file is None or not pcm16:
            return
        right = self._take_assistant(len(pcm16))
        # Interleave L/R 16-bit samples: memoryview slicing keeps this to two copies.
        stereo = bytearray(len(pcm16) * 2)
        view = memoryview(stereo).cast("H")
        view[0::2] = memoryview(pcm16).cast("H")
        view[1::2] = memoryview(right).cast("H")
        try:
            self._file.writeframesraw(stereo)
        except OSError as error:
            log.error("recording to %s stopped: %s", self.path, error.strerror)
            self.stop()
            return
        self.frames_written += len(pcm16) // BYTES_PER_SAMPLE

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
        self._assistant_bytes -= len(taken)
        return taken + bytes(size - len(taken))

    def stop(self) -> None:
        """Finish the file (its header gets the final length); safe to call twice."""
        file, self._file = self._file, None
        self.flush_assistant()
        if file is not None:
            try:
                file.close()
            except OSError as error:
                log.error("recording %s could not be finished: %s", self.path, error.strerror)
            log.info("recording saved: %s (%.1f s)", self.path, self.duration_s)
