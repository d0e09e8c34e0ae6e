"""Audio pipeline: mic capture to 24 kHz PCM16 frames, assistant playback, devices (no Qt)."""
