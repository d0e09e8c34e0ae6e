"""Voice Live wire constants shared by the engine and the built-in simulator."""

from __future__ import annotations

# The SDK appends this to the endpoint's path when it opens the websocket.
REALTIME_PATH = "/voice-live/realtime"

# Audio on the wire: PCM16 little-endian, mono, 24 kHz, both directions.
SAMPLE_RATE_HZ = 24_000
BYTES_PER_SAMPLE = 2
CHANNELS = 1
FRAME_MS = 20
FRAME_SAMPLES = SAMPLE_RATE_HZ * FRAME_MS // 1000
FRAME_BYTES = FRAME_SAMPLES * BYTES_PER_SAMPLE

DEFAULT_MODEL = "gpt-realtime"
DEMO_API_KEY = "demo"


def pcm16_bytes_to_ms(byte_count: int) -> int:
    """Duration in whole milliseconds of `byte_count` bytes of wire-format audio."""
    return byte_count * 1000 // (SAMPLE_RATE_HZ * BYTES_PER_SAMPLE)
