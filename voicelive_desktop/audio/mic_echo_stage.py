"""What the mic path does about echo before a frame goes on the wire, per echo mode."""

from __future__ import annotations

import logging
from typing import Protocol

import numpy as np

from voicelive_desktop import protocol
from voicelive_desktop.audio.echo_reference import EchoReferencePairing, PlaybackHistory
from voicelive_desktop.audio.local_echo_canceller import (
    EchoCancellerUnavailable,
    LocalEchoCanceller,
)
from voicelive_desktop.audio.samples import FloatArray, Int16Array, pcm16_from_scaled
from voicelive_desktop.engine.session_settings import EchoCancellationMode

log = logging.getLogger(__name__)


class MicEchoStage(Protocol):
    """Turns one 20 ms mic frame (24 kHz, PCM16 scale) into wire bytes and the signal the
    level meter shows (what is left after cancellation, at PCM16 scale)."""

    channels: int

    @property
    def pairing(self) -> EchoReferencePairing: ...

    @property
    def canceller(self) -> LocalEchoCanceller | None: ...

    def process(self, mic: FloatArray, captured_at: float) -> tuple[bytes, FloatArray]: ...

    def process_pcm16(self, pcm16: bytes, captured_at: float) -> tuple[bytes, FloatArray]: ...

    def follow(self, samples: int, captured_at: float) -> None: ...


_FRAME = protocol.FRAME_SAMPLES
_FRAME_S = protocol.FRAME_MS / 1000
# Silent reference frames after which the echo's tail has died away (RT60 of rooms is well
# under this) and the meter's estimate canceller has nothing left to remove.
_ESTIMATE_REST_FRAMES = 25
# Mic frames quieter than this (-60 dBFS RMS; mean square at PCM16 scale) hold no echo worth
# an estimate: what a canceller leaves of them is at most as loud, and the meter shows them as
# they are. After this many in a row (a headset, or speakers turned down) the estimate rests
# until a louder frame; short pauses inside an echo keep it running.
_QUIET_MIC_MEAN_SQUARE = (32768 * 10 ** (-60 / 20)) ** 2
_ESTIMATE_REST_QUIET_FRAMES = 10


class _FramedStage:
    """What both stages do with a capture hand-over of several 20 ms frames (loop thread)."""

    pairing: EchoReferencePairing

    def process(self, mic: FloatArray, captured_at: float) -> tuple[bytes, FloatArray]:
        raise NotImplementedError

    def process_pcm16(self, pcm16: bytes, captured_at: float) -> tuple[bytes, FloatArray]:
        """A hand-over of mono PCM16 (whole 20 ms frames), the first captured at
        `captured_at`: each frame is paired with its own reference."""
        samples = np.frombuffer(pcm16, dtype="<i2").astype(np.float32)
        payloads: list[bytes] = []
        heard: list[FloatArray] = []
        for index, start in enumerate(range(0, samples.size - _FRAME + 1, _FRAME)):
            payload, left = self.process(
                samples[start : start + _FRAME], captured_at + index * _FRAME_S
            )
            payloads.append(payload)
            heard.append(left)
        return b"".join(payloads), np.concatenate(heard)

    def follow(self, samples: int, captured_at: float) -> None:
        """A muted hand-over: keep the pairing following the speaker, send nothing of it."""
        for index in range(samples // _FRAME):
            self.pairing.reference_for(captured_at + index * _FRAME_S)


class ClientReferenceStage(_FramedStage):
    """Owns the stereo wire frame: channel 0 the mic, channel 1 what was playing.

    The service cancels; a local canceller, when given, runs beside it only to show the user
    (meter) and support (diagnostics) roughly what the service's canceller leaves.
    """

    channels = 2

    def __init__(
        self, pairing: EchoReferencePairing, canceller: LocalEchoCanceller | None = None
    ) -> None:
        self.pairing = pairing
        self.canceller = canceller
        self._stereo: Int16Array = np.zeros((protocol.FRAME_SAMPLES, 2), dtype=np.int16)
        self._silent_reference_frames = _ESTIMATE_REST_FRAMES
        self._quiet_mic_frames = 0

    def process(self, mic: FloatArray, captured_at: float) -> tuple[bytes, FloatArray]:
        reference = self.pairing.reference_for(captured_at)
        self.pairing.observe(mic, reference)
        self._stereo[:, 0] = pcm16_from_scaled(mic)
        self._stereo[:, 1] = pcm16_from_scaled(reference)
        if reference.any():
            self._silent_reference_frames = 0
        else:
            self._silent_reference_frames += 1
        if float(np.dot(mic, mic)) < _QUIET_MIC_MEAN_SQUARE * mic.size:
            self._quiet_mic_frames += 1
        else:
            self._quiet_mic_frames = 0
        heard = mic
        # The estimate is only for the meter: while nothing has played for a while, or the
        # mic hears next to nothing, there is no echo to remove, and skipping AEC3 (three
        # calls into livekit per 10 ms) is most of what the echo work costs.
        if (
            self.canceller is not None
            and self._silent_reference_frames <= _ESTIMATE_REST_FRAMES
            and self._quiet_mic_frames <= _ESTIMATE_REST_QUIET_FRAMES
        ):
            heard = self.canceller.process(mic, reference).astype(np.float32)
        return self._stereo.tobytes(), heard


class LocalCancellerStage(_FramedStage):
    """Owns on-computer cancellation: the mic goes out mono, with the echo already removed."""

    channels = 1

    def __init__(self, pairing: EchoReferencePairing, canceller: LocalEchoCanceller) -> None:
        self.pairing = pairing
        self.canceller = canceller

    def process(self, mic: FloatArray, captured_at: float) -> tuple[bytes, FloatArray]:
        reference = self.pairing.reference_for(captured_at)
        self.pairing.observe(mic, reference)
        cleaned = self.canceller.process(mic, reference)
        return cleaned.tobytes(), cleaned.astype(np.float32)


def stage_for(
    mode: EchoCancellationMode, history: PlaybackHistory, known_delay_s: float = 0.0
) -> MicEchoStage | None:
    """The stage an echo mode needs (None: the raw mic goes out mono); `known_delay_s`: the
    residual delay an earlier session on the same devices measured.

    Raises EchoCancellerUnavailable when the mode needs the local canceller and it cannot
    load; the client reference then still works, without its local estimate.
    """
    if mode is EchoCancellationMode.THIS_COMPUTER:
        # AEC3 finds the residual delay itself and would stumble on a corrected jump.
        pairing = EchoReferencePairing(history, follow_residual=False)
        return LocalCancellerStage(pairing, LocalEchoCanceller())
    if mode is EchoCancellationMode.SERVICE_WITH_CLIENT_REFERENCE:
        pairing = EchoReferencePairing(history, initial_residual_s=known_delay_s)
        try:
            estimate: LocalEchoCanceller | None = LocalEchoCanceller()
        except EchoCancellerUnavailable:
            log.warning("no local canceller: the mic meter shows the mic before cancellation")
            estimate = None
        return ClientReferenceStage(pairing, estimate)
    return None
