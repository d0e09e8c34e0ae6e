"""On-computer echo cancellation: WebRTC's AEC3, through livekit's AudioProcessingModule.

Why this binding (see docs/ARCHITECTURE.md): it is maintained (LiveKit ships it with every
release of its Python SDK), Apache-2.0, and has wheels for Linux, Windows and macOS; it wraps
the real WebRTC audio processing module. `aec-audio-processing` only has a Windows wheel.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from voicelive_desktop import protocol
from voicelive_desktop.audio.errors import AudioError
from voicelive_desktop.audio.samples import FloatArray, Int16Array, pcm16_from_scaled

log = logging.getLogger(__name__)

_RATE = protocol.SAMPLE_RATE_HZ
# AEC3 works on 10 ms frames; a wire frame is two of them.
_SUBFRAME = _RATE // 100
# ERLE is counted once the canceller has had this long of reference to converge.
CONVERGENCE_S = 2.0
_ERLE_FRAMES = 3000  # one minute of 20 ms frames
# Frames whose reference is quieter than this (RMS at PCM16 scale, ~ -50 dBFS) carry no echo.
_ACTIVE_REFERENCE_RMS = 100.0


class EchoCancellerUnavailable(AudioError):
    """The WebRTC canceller could not be loaded on this machine; the message says why."""


def _load_processing_module() -> Any:
    try:
        from livekit import rtc
    except ImportError as error:  # no wheel for this platform, or a broken install
        raise EchoCancellerUnavailable(
            f"On-computer echo cancellation is unavailable ({error}); "
            "choose the service's echo cancellation in Preferences > Audio."
        ) from error
    return rtc


class LocalEchoCanceller:
    """Owns one AEC3 instance: mic frames in, the mic with the speaker's echo removed out.

    `process(mic, reference)` takes a 20 ms mic frame and the reference that was playing
    (both 24 kHz at PCM16 scale, from `EchoReferencePairing`) and returns the cleaned frame
    as PCM16. It also keeps the figures diagnostics report: the suppression achieved (ERLE)
    while the speaker played, counted after `CONVERGENCE_S` of reference.
    """

    def __init__(self) -> None:
        rtc = _load_processing_module()
        self._rtc = rtc
        self._apm = rtc.AudioProcessingModule(echo_cancellation=True, high_pass_filter=True)
        self._reference_s = 0.0
        # Per-frame suppression while the speaker played, in a ring of the last minute.
        self._suppression_db = np.zeros(_ERLE_FRAMES, dtype=np.float64)
        self._counted = 0
        self.frames = 0

    @property
    def erle_db(self) -> float | None:
        """Echo return loss enhancement while the speaker played (None before convergence).

        The median of per-frame suppression: frames where the user talked over the assistant
        (little suppressed, as they should be) are a minority and do not drag it down.
        """
        if self._counted == 0:
            return None
        return float(np.median(self._suppression_db[: min(self._counted, _ERLE_FRAMES)]))

    def process(self, mic: FloatArray, reference: FloatArray) -> Int16Array:
        """The cleaned 20 ms frame as int16 samples."""
        near = pcm16_from_scaled(mic)
        far = pcm16_from_scaled(reference)
        out = np.empty_like(near)
        for start in range(0, near.size, _SUBFRAME):
            span = slice(start, start + _SUBFRAME)
            far_frame = self._rtc.AudioFrame(far[span].tobytes(), _RATE, 1, _SUBFRAME)
            near_frame = self._rtc.AudioFrame(bytearray(near[span]), _RATE, 1, _SUBFRAME)
            self._apm.process_reverse_stream(far_frame)
            # The pairing aligned the reference already: the remaining delay is its lead.
            self._apm.set_stream_delay_ms(0)
            self._apm.process_stream(near_frame)
            out[span] = np.frombuffer(near_frame.data, dtype=np.int16)
        self.frames += 1
        self._count(mic, reference, out)
        return out

    def _count(self, mic: FloatArray, reference: FloatArray, out: Int16Array) -> None:
        if float(np.sqrt(np.mean(reference * reference))) < _ACTIVE_REFERENCE_RMS:
            return
        self._reference_s += mic.size / protocol.SAMPLE_RATE_HZ
        if self._reference_s < CONVERGENCE_S:
            return
        cleaned = out.astype(np.float64)
        energy_in = float(np.dot(mic, mic))
        if energy_in <= 0.0:
            return
        # A floor of one PCM16 step per sample: a perfectly silent output is not infinite.
        energy_out = max(float(np.dot(cleaned, cleaned)), float(out.size))
        self._suppression_db[self._counted % _ERLE_FRAMES] = 10 * np.log10(energy_in / energy_out)
        self._counted += 1
