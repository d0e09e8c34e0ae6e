"""The PCM in one `response.audio.delta`, checked before it reaches the speaker."""

from __future__ import annotations

import base64
import binascii
import logging

log = logging.getLogger(__name__)

# ~20 s of 24 kHz PCM16: more than any real delta, small enough to never hurt playback.
MAX_AUDIO_DELTA_BYTES = 1_000_000


def decoded_pcm(delta: str | None) -> tuple[bytes, bool]:
    """The whole PCM16 samples of a base64 `delta`, and whether the delta was faulty.

    A missing, oversized or invalid delta gives no audio; an empty one is not a fault.
    """
    if not delta:
        return b"", delta is None
    if len(delta) > MAX_AUDIO_DELTA_BYTES * 4 // 3 + 4:
        log.warning("audio delta of %d base64 characters dropped (too large)", len(delta))
        return b"", True
    try:
        pcm = base64.b64decode(delta, validate=True)
    except (binascii.Error, ValueError):
        log.warning("audio delta with invalid base64 dropped")
        return b"", True
    if len(pcm) % 2:
        # Half a sample would shift every later sample into noise; drop the stray byte.
        return pcm[:-1], True
    return pcm, False
