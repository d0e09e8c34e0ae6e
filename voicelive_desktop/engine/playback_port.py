"""The one thing the engine needs from audio output, as a protocol (no audio import here)."""

from __future__ import annotations

from typing import Protocol


class PlaybackSink(Protocol):
    """Receives assistant audio and can silence it at once (barge-in)."""

    def enqueue(self, item_id: str, pcm16: bytes) -> None:
        """Queue 24 kHz mono PCM16 of response item `item_id` for playback."""

    def flush(self) -> None:
        """Drop everything queued; output is silent within one device block."""

    def played_ms(self, item_id: str) -> int:
        """Milliseconds of `item_id` actually played so far (for conversation.item.truncate)."""

    def is_playing(self) -> bool:
        """True while queued assistant audio is still being played."""
