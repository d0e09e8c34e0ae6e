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


# Where a VAD threshold (0-1) sits on a level meter: the simulator's energy VAD counts a frame
# as voiced at this RMS level; the service's VAD is a model, but the same mapping shows the
# user roughly what loudness counts as speech. 0 -> -60 dBFS (a quiet room), 1 -> -10 dBFS.
VAD_FLOOR_DBFS = -60.0
VAD_SPAN_DB = 50.0


def vad_threshold_dbfs(threshold: float) -> float:
    """The RMS level in dBFS at which a VAD `threshold` counts audio as speech."""
    return VAD_FLOOR_DBFS + VAD_SPAN_DB * threshold
