"""Microphone capture: native-rate input stream to 24 kHz mono PCM16 on the loop, in 40 ms
frames while the mic hears speech and in batches of them while it is quiet."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from voicelive_desktop import protocol
from voicelive_desktop.audio.converter import CaptureConverter
from voicelive_desktop.audio.device_stream import DeviceStream, FailureListener
from voicelive_desktop.audio.devices import AudioDevice, Direction
from voicelive_desktop.audio.errors import AudioDeviceFailed
from voicelive_desktop.audio.framer import FrameAssembler
from voicelive_desktop.audio.handover_batch import QUIET_BATCH, HandoverBatch
from voicelive_desktop.audio.levels import SILENT_LEVEL, AudioLevel, measure_level
from voicelive_desktop.audio.mic_echo_stage import MicEchoStage
from voicelive_desktop.audio.portaudio import sounddevice
from voicelive_desktop.audio.samples import PCM16_FULL_SCALE, FloatArray

log = logging.getLogger(__name__)

# PortAudio's ALSA "default"/"pulse" devices claim 32 channels and would up-mix a mono mic to
# all of them; two is what real microphones deliver, and down-mix handles whatever we get.
_PREFERRED_CHANNELS = 2
# One 40 ms device block per hand-over to the loop: every callback and every wake of the Qt
# loop costs about the same whatever it carries, and idle listening is mostly that cost
# (issue 15); a bare 40 ms input stream costs 2/3 of a 20 ms one. It adds no delay over 20 ms
# blocks handed over in pairs, and 40 ms is what the SDK's sample sends per append (1024
# samples at 24 kHz).
HANDOVER_MS = 40
_BLOCK_MS = HANDOVER_MS
HANDOVER_SAMPLES = protocol.SAMPLE_RATE_HZ * HANDOVER_MS // 1000
HANDOVER_BYTES = HANDOVER_SAMPLES * protocol.BYTES_PER_SAMPLE

FrameListener = Callable[[bytes, AudioLevel], None]


class MicCapture(DeviceStream):
    """Owns the input stream and turns it into wire-format frames delivered on the asyncio loop.

    The PortAudio callback down-mixes, resamples (state kept across blocks), cuts `HANDOVER_MS`
    frames, measures their level, converts them to PCM16 in preallocated buffers and hands
    them over with `loop.call_soon_threadsafe`: each at once while the mic hears speech, in
    batches of up to `QUIET_BATCH` while it is quiet (`HandoverBatch`); it never blocks.
    Muting and the half-duplex gate act on the loop side: a muted frame is sent as digital
    silence, which keeps the server's VAD timeline moving so a mute in mid-sentence ends the
    user's turn.
    """

    noun = "microphone"
    direction = Direction.INPUT

    def __init__(
        self,
        on_frame: FrameListener,
        on_failure: FailureListener,
        device_name: str | None = None,
    ) -> None:
        super().__init__(on_failure, device_name)
        self._on_frame = on_frame
        self.muted = False
        self.gate: Callable[[], bool] = lambda: False  # True: send silence (half-duplex)
        self._converter = CaptureConverter(protocol.SAMPLE_RATE_HZ, 1)
        self._framer = FrameAssembler(HANDOVER_SAMPLES)
        self._batch = HandoverBatch(HANDOVER_SAMPLES)
        self._silence = bytes(HANDOVER_BYTES * QUIET_BATCH)
        self.overflows = 0
        # Echo handling on the loop side (None: the raw mono mic goes out); see `echo_stage`.
        self._echo_stage: MicEchoStage | None = None
        # Capture clock, to date each frame for the echo reference: 24 kHz samples produced
        # and handed over since open, when the newest was captured (callback time less the
        # input latency PortAudio reports).
        self._produced = 0
        self._handed = 0
        self._newest_at = 0.0
        self._input_latency_s = 0.0

    @property
    def input_latency_s(self) -> float:
        """Input latency PortAudio reported for the open (or last) stream."""
        return self._input_latency_s

    @property
    def echo_stage(self) -> MicEchoStage | None:
        return self._echo_stage

    @echo_stage.setter
    def echo_stage(self, stage: MicEchoStage | None) -> None:
        """Set before `open`; a stereo stage makes every frame (and muted silence) stereo."""
        self._echo_stage = stage
        channels = stage.channels if stage is not None else 1
        self._silence = bytes(HANDOVER_BYTES * QUIET_BATCH * channels)

    def open(self, fall_back_to_default: bool = False, *, keep_queued: bool = False) -> None:
        """Open and start the stream on the chosen device (or the default, see `_begin_open`);
        on the loop thread. `keep_queued` is part of `SupervisedStream`, which the supervisor
        and the session call on both streams alike; it matters for the speaker only, as
        nothing waits on the way in."""
        self._open_chosen(fall_back_to_default, self._open_on)

    def _open_on(self, device: AudioDevice) -> None:
        sd = sounddevice()
        self._framer.reset()
        self._batch.reset()
        channel_choices = sorted({min(device.channels, _PREFERRED_CHANNELS), device.channels})
        last_error: Exception | None = None
        for channels in channel_choices:
            try:
                rate = self._rate_for(device, channels)
                converter = CaptureConverter(rate, channels)
                stream = sd.InputStream(
                    device=device.index,
                    samplerate=rate,
                    channels=channels,
                    dtype="float32",
                    blocksize=rate * _BLOCK_MS // 1000,
                    latency="low",
                    callback=self._callback,
                    finished_callback=self._finished,
                )
                break
            except sd.PortAudioError as error:
                last_error = error
        else:
            raise AudioDeviceFailed(
                f"The microphone {device.name!r} could not be opened: {last_error}."
            ) from last_error
        self._converter = converter
        self._produced = self._handed = 0
        self._input_latency_s = float(stream.latency)
        if self._echo_stage is not None:
            self._echo_stage.pairing.reset()  # a new capture clock
        self.last_callback_at = time.monotonic()
        self._start(stream, device)
        log.info(
            "microphone open: %s at %d Hz, %d channel(s)",
            device.name,
            rate,
            channels,
        )

    def _callback(self, indata: FloatArray, frames: int, time_info: Any, status: Any) -> None:
        # PortAudio thread: no locks, no waiting, only numpy on one small block.
        self.last_callback_at = now = time.monotonic()
        if status.input_overflow:
            self.overflows += 1
        if self._loop is None:
            return
        # Frames stay at PCM16 scale from the down-mix on (see `CaptureConverter`).
        samples = self._converter.process(indata)
        self._produced += samples.size
        self._newest_at = now - self._input_latency_s
        self._framer.push(samples, self._hand_over)

    def _hand_over(self, frame: FloatArray) -> None:
        # PortAudio thread: `frame` is the framer's buffer, so it is copied into the batch
        # here; the bytes and the level are the only objects a hand-over allocates.
        captured_at = self._newest_at - (self._produced - self._handed) / protocol.SAMPLE_RATE_HZ
        self._handed += HANDOVER_SAMPLES
        if self._batch.add(frame, captured_at, self.last_callback_at):
            self._post(self._deliver, *self._batch.take())

    def _deliver(self, pcm16: bytes, level: AudioLevel, captured_at: float) -> None:
        if self._stream is None:
            return
        stage = self._echo_stage
        if self.muted or self.gate():
            samples = len(pcm16) // protocol.BYTES_PER_SAMPLE
            if stage is not None:
                stage.follow(samples, captured_at)  # keep up with the speaker
            channels = stage.channels if stage is not None else 1
            self._on_frame(
                self._silence[: samples * protocol.BYTES_PER_SAMPLE * channels], SILENT_LEVEL
            )
        elif stage is not None:
            payload, heard = stage.process_pcm16(pcm16, captured_at)
            self._on_frame(payload, measure_level(heard, PCM16_FULL_SCALE))
        else:
            self._on_frame(pcm16, level)
