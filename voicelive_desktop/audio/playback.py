"""Speaker playback: assistant audio (24 kHz PCM16) through a jitter buffer to an output stream."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from voicelive_desktop import protocol
from voicelive_desktop.audio.device_stream import DeviceStream, FailureListener
from voicelive_desktop.audio.devices import AudioDevice, Direction
from voicelive_desktop.audio.echo_reference import PlaybackHistory
from voicelive_desktop.audio.errors import AudioDeviceFailed
from voicelive_desktop.audio.jitter_buffer import JitterBuffer
from voicelive_desktop.audio.levels import AudioLevel, amplitude_to_dbfs
from voicelive_desktop.audio.portaudio import sounddevice
from voicelive_desktop.audio.resampler import StreamingResampler
from voicelive_desktop.audio.samples import FloatArray, pcm16_bytes_to_float

log = logging.getLogger(__name__)

# 10 ms blocks: PortAudio's ALSA buffer is two blocks, and that buffer is what a barge-in
# cannot take back (20 ms blocks measured 32 ms from flush to silence, 10 ms blocks ~20 ms).
# Their cost (100 callbacks a second, about 0.5 % of a core more than 20 ms blocks) is only
# paid while the assistant speaks: an idle stream is stopped.
_BLOCK_MS = 10
_LEVEL_INTERVAL_S = 0.035  # with 10 ms blocks: a level every 40 ms while sound plays
_MAX_CHANNELS = 2
# A freshly opened ALSA->PulseAudio stream first calls back unpaced, flagging underflows, and
# drops what it was given when it recovers; it gets silence until it has run steadily (no
# underflow) for this many callbacks and at least `_WARM_UP_S`.
_WARM_UP_S = 0.3
# After a live switch the answer is already playing: wait for a steady device, not longer.
_SWITCH_WARM_UP_S = 0.0
_STEADY_CALLBACKS = 10
# soxr "LQ" holds back 2 ms of each item where "HQ" holds back 31 ms (24 -> 48 kHz): that is
# added to every reply's start, and is what is left unplayed at its end. Its 16-bit precision
# is what the wire carries anyway: a 50 Hz-8 kHz sweep comes out at 123 dB SNR (HQ: 134 dB).
_QUALITY = "LQ"
# Nothing played for this long: the stream stops until the next audio. Restarting costs about
# 1 ms and the device buffer fills in the first callbacks, inside the pre-roll; a running
# stream costs a wake of a PortAudio thread per block all day long.
_PAUSE_AFTER_IDLE_S = 1.0

# What a live switch carries over: the queue, its resampler and item, and the device it was for.
_Kept = tuple[JitterBuffer, StreamingResampler, str | None, AudioDevice | None]

LevelListener = Callable[[AudioLevel], None]


class SpeakerPlayback(DeviceStream):
    """Owns the output stream; implements the engine's `PlaybackSink`.

    `enqueue` (loop thread) converts and resamples to the device rate, then queues; the
    PortAudio callback only copies from the jitter buffer, so `flush()` is heard within one
    device block (10 ms) plus what the device itself has already buffered (`latency_ms`);
    `played_ms` leaves that buffer out, so a truncate matches what the user heard.
    While nothing plays the callback only writes silence: no level, no wake of the loop;
    after `_PAUSE_AFTER_IDLE_S` of that the stream stops, and `enqueue` starts it again.
    """

    noun = "speaker"
    direction = Direction.OUTPUT

    def __init__(
        self,
        on_level: LevelListener,
        on_failure: FailureListener,
        device_name: str | None = None,
        preroll_ms: int = 80,
    ) -> None:
        super().__init__(on_failure, device_name)
        self._on_level = on_level
        self._preroll_ms = preroll_ms
        self._buffer = JitterBuffer(protocol.SAMPLE_RATE_HZ, preroll_ms)
        self._resampler = StreamingResampler(protocol.SAMPLE_RATE_HZ, protocol.SAMPLE_RATE_HZ)
        self._resampling_item: str | None = None
        self._mono: FloatArray = np.zeros(0, dtype=np.float32)
        self._mono_column: FloatArray = self._mono[:, np.newaxis]
        self._level_sum_squares = 0.0
        self._level_samples = 0
        self._level_peak = 0.0
        self._level_posted_at = 0.0
        self._opened_at = 0.0
        self._warm_up_s = _WARM_UP_S
        self._rate = protocol.SAMPLE_RATE_HZ
        self._steady_callbacks = 0
        self._paused = False
        self._pausing = False  # stopping on purpose: the finished callback is no failure
        self._settling = False  # a resumed stream that has not yet called back steadily
        self._idle_reported = False
        self._pause_timer: asyncio.TimerHandle | None = None
        self.device_underflows = 0
        self.dropped_ms = 0
        # What was played and when, for the echo reference (None: nobody needs it).
        self.history: PlaybackHistory | None = None

    @property
    def last_callback_at(self) -> float:
        """When the device last asked for audio; a paused stream is never stalled."""
        return time.monotonic() if self._paused else self._last_callback_at

    @last_callback_at.setter
    def last_callback_at(self, value: float) -> None:
        self._last_callback_at = value

    @property
    def paused(self) -> bool:
        """True while the stream is stopped because nothing plays."""
        return self._paused

    @property
    def latency_ms(self) -> float:
        """Output latency PortAudio reports for the open stream (what a flush cannot take back)."""
        return float(self._stream.latency) * 1000.0 if self._stream is not None else 0.0

    @property
    def underruns(self) -> int:
        """How often assistant audio ran out in the middle of an item."""
        return self._buffer.underruns

    def open(self, fall_back_to_default: bool = False, *, keep_queued: bool = False) -> None:
        """Open and start the stream on the chosen device (or the default, see `_begin_open`);
        on the loop thread.

        `keep_queued`: a live switch to another device; the assistant audio not yet played
        goes on on the new device (when both run at one rate) instead of being dropped.
        """
        kept = (self._buffer, self._resampler, self._resampling_item, self.device)
        # Detached first: closing the old stream flushes whatever buffer is attached.
        self._buffer = JitterBuffer(protocol.SAMPLE_RATE_HZ, self._preroll_ms)
        self._open_chosen(
            fall_back_to_default, lambda device: self._open_on(device, kept, keep_queued)
        )

    def _open_on(self, device: AudioDevice, kept: _Kept, keep_queued: bool) -> None:
        sd = sounddevice()
        channels = min(device.channels, _MAX_CHANNELS)
        rate = self._rate_for(device, channels)
        block = rate * _BLOCK_MS // 1000
        try:
            stream = sd.OutputStream(
                device=device.index,
                samplerate=rate,
                channels=channels,
                dtype="float32",
                blocksize=block,
                latency="low",
                callback=self._callback,
                finished_callback=self._finished,
            )
        except sd.PortAudioError as error:
            raise AudioDeviceFailed(
                f"The speaker {device.name!r} could not be opened: {error}."
            ) from error
        old_rate = self._rate if kept[3] is not None else None
        if keep_queued and old_rate == rate:
            self._buffer, self._resampler, self._resampling_item = kept[:3]
        else:
            self._buffer = JitterBuffer(rate, self._preroll_ms)
            self._resampler = StreamingResampler(protocol.SAMPLE_RATE_HZ, rate, quality=_QUALITY)
            self._resampling_item = None
        self._rate = rate
        self._use_block(block)
        self._warm_up_s = _SWITCH_WARM_UP_S if keep_queued else _WARM_UP_S
        self.last_callback_at = self._opened_at = time.monotonic()
        self._steady_callbacks = 0
        self._settling = False  # the warm-up above covers a new stream of its own
        self._cancel_pause()
        self._paused = self._idle_reported = False
        self._start(stream, device)
        if self.history is not None:
            self.history.configure(rate, float(stream.latency))
        log.info("speaker open: %s at %d Hz, latency %.0f ms", device.name, rate, self.latency_ms)

    def close(self, *, keep_queued: bool = False) -> None:
        """Stop and close the stream; queued audio is dropped unless `keep_queued` (the next
        `open(keep_queued=True)` plays it: the sound system was re-initialised under it)."""
        if not keep_queued:
            self._buffer.flush()
        self._cancel_pause()
        self._paused = False
        super().close(keep_queued=keep_queued)

    # PlaybackSink

    def enqueue(self, item_id: str, pcm16: bytes) -> None:
        """Queue 24 kHz mono PCM16 of `item_id` (loop thread)."""
        samples = pcm16_bytes_to_float(pcm16)
        if self._stream is None:
            # No device (it failed and is being reopened): the audio cannot be heard later.
            self.dropped_ms += protocol.pcm16_bytes_to_ms(len(pcm16))
            return
        self._resume()
        if item_id != self._resampling_item:
            if self._resampling_item is not None and self._buffer.is_playing():
                # The previous item's last 2 ms are still inside the filter. Once it has run
                # dry they are stale: pushed then, they would be a (counted) underrun of that
                # item and re-arm a longer pre-roll before every reply.
                tail = self._resampler.process(samples[:0], last=True)
                self._buffer.push(self._resampling_item, tail)
            self._resampler.reset()
            self._resampling_item = item_id
        self._buffer.push(item_id, self._resampler.process(samples))

    def flush(self) -> None:
        """Drop all queued audio; the output is silent after the next device block."""
        self._buffer.flush()
        self._resampler.reset()
        self._resampling_item = None

    def played_ms(self, item_id: str) -> int:
        """Milliseconds of `item_id` heard so far (handed over, less the device's buffer)."""
        return self._buffer.played_ms(item_id, self.latency_ms / 1000.0)

    def is_playing(self) -> bool:
        return self._buffer.is_playing()

    # Pausing while idle (loop thread)

    def _went_idle(self) -> None:
        if self._stream is not None and not self._paused and self._pause_timer is None:
            assert self._loop is not None
            self._pause_timer = self._loop.call_later(_PAUSE_AFTER_IDLE_S, self._pause)

    def _pause(self) -> None:
        self._pause_timer = None
        if self._stream is None or self._paused or not self._buffer.idle:
            return
        self._pausing = True
        try:
            self._stream.stop()
        except sounddevice().PortAudioError as error:
            log.warning("stopping the idle speaker stream failed: %s", error)
        finally:
            self._pausing = False
        self._paused = True

    def _resume(self) -> None:
        self._cancel_pause()
        if not self._paused:
            return
        self._paused = self._idle_reported = False
        self.last_callback_at = time.monotonic()
        # A new stream like the rested one, not a restart of it: PortAudio's ALSA host API
        # deadlocks in Pa_StartStream (its thread exits holding a lock: PortAudio issue
        # #535) when the device went away while the stream rested, which a sound server
        # that keeps the device's name makes possible; a new stream fails cleanly instead,
        # for ~3 ms more than a restart (benchmarks/device_switch.py).
        sd = sounddevice()
        rested, device = self._stream, self.device
        super().close()
        try:
            stream = sd.OutputStream(
                device=rested.device,
                samplerate=rested.samplerate,
                channels=rested.channels,
                dtype="float32",
                blocksize=rested.blocksize,
                latency="low",
                callback=self._callback,
                finished_callback=self._finished,
            )
            assert device is not None
            self._settling = True
            self._start(stream, device)
            if self.history is not None:
                # A new stream, with its own buffering behind the same reported latency (on
                # PulseAudio the echo moved by up to 60 ms): the echo reference re-aligns.
                self.history.configure(stream.samplerate, float(stream.latency))
        except (sd.PortAudioError, AudioDeviceFailed) as error:
            name = device.name if device else self.noun
            log.warning("restarting the speaker %r failed: %s", name, error)
            self._on_failure(f"The speaker {name!r} stopped working.")

    def _cancel_pause(self) -> None:
        if self._pause_timer is not None:
            self._pause_timer.cancel()
            self._pause_timer = None

    def _finished(self) -> None:
        if not self._pausing:
            super()._finished()

    # PortAudio thread

    def _use_block(self, frames: int) -> None:
        self._mono = np.zeros(frames, dtype=np.float32)
        self._mono_column = self._mono[:, np.newaxis]  # broadcasts over the device's channels

    def _callback(self, outdata: FloatArray, frames: int, time_info: Any, status: Any) -> None:
        # PortAudio thread: preallocated buffers only; while idle, silence and nothing else.
        self.last_callback_at = now = time.monotonic()
        if self._steady_callbacks < _STEADY_CALLBACKS or now - self._opened_at < self._warm_up_s:
            self._steady_callbacks = 0 if status.output_underflow else self._steady_callbacks + 1
            self._silence(outdata, frames, now)
            return
        if self._settling:
            # A fresh stream that starts late (a busy machine) first calls back flagging an
            # underflow, and ALSA drops what those callbacks were given when it recovers: two
            # blocks (20 ms) of the reply's start. They get silence; the reply waits in the
            # queue for the first steady callback, a block later instead of never heard.
            if status.output_underflow:
                self._silence(outdata, frames, now)
                return
            self._settling = False
        if status.output_underflow:
            self.device_underflows += 1
        if self._buffer.idle:
            self._silence(outdata, frames, now)
            self._level_samples = 0  # a level in progress ends with the sound
            if not self._idle_reported:
                self._idle_reported = True
                self._post(self._went_idle)
            return
        self._idle_reported = False
        if frames != self._mono.size:
            self._use_block(frames)
        mono = self._mono
        self._buffer.pull(mono)
        outdata[:] = self._mono_column
        if self.history is not None:
            self.history.record(mono, now)
        self._measure_level(mono, frames, now)

    def _silence(self, outdata: FloatArray, frames: int, now: float) -> None:
        outdata.fill(0.0)
        if self.history is not None:
            self.history.record_silence(frames, now)

    def _measure_level(self, mono: FloatArray, frames: int, now: float) -> None:
        if self._level_samples == 0:
            self._level_sum_squares, self._level_peak = 0.0, 0.0
        self._level_sum_squares += float(np.dot(mono, mono))
        self._level_samples += frames
        # max and -min instead of abs(): no temporary array on the PortAudio thread.
        self._level_peak = max(self._level_peak, float(mono.max()), -float(mono.min()))
        if self._loop is not None and now - self._level_posted_at >= _LEVEL_INTERVAL_S:
            level = AudioLevel(
                amplitude_to_dbfs(math.sqrt(self._level_sum_squares / self._level_samples)),
                amplitude_to_dbfs(self._level_peak),
            )
            self._level_samples = 0
            self._level_posted_at = now
            self._post(self._deliver_level, level)

    def _deliver_level(self, level: AudioLevel) -> None:
        if self._stream is not None:
            self._on_level(level)
