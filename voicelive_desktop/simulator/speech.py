"""The assistant's voice: espeak-ng speech when installed, else a clearly synthetic buzz."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import struct
from collections import OrderedDict

import numpy as np
import soxr

from voicelive_desktop.protocol import SAMPLE_RATE_HZ
from voicelive_desktop.simulator.voice_options import SpeechStyle
from voicelive_desktop.simulator.word_timing import (
    EspeakWordClock,
    WordTime,
    estimated_words,
    timed_words,
)

log = logging.getLogger(__name__)

_CACHE_SIZE = 32
_ESPEAK_TIMEOUT_S = 15.0
_ESPEAK_WORDS_PER_MINUTE = 170  # espeak-ng's -s at speaking rate 1.0


class WavParseError(ValueError):
    """espeak-ng's output was not the mono PCM16 WAV it promises."""


def pcm16_from_wav(data: bytes) -> tuple[bytes, int]:
    """The PCM16 samples and rate of a mono WAV.

    espeak-ng writes to a pipe before it knows the length, so its RIFF and data sizes are
    placeholders (0x7FFFFFFF): the data chunk runs to the end of the stream.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise WavParseError("not a RIFF/WAVE stream")
    pos, rate = 12, 0
    while pos + 8 <= len(data):
        chunk_id, size = data[pos : pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        body = pos + 8
        if chunk_id == b"fmt ":
            fmt, channels, rate = struct.unpack_from("<HHI", data, body)
            bits = struct.unpack_from("<H", data, body + 14)[0]
            if (fmt, channels, bits) != (1, 1, 16):
                raise WavParseError(f"unexpected format {fmt}/{channels} ch/{bits} bit")
        elif chunk_id == b"data":
            if rate == 0:
                raise WavParseError("data chunk before fmt chunk")
            samples = data[body : min(len(data), body + size)]
            return samples[: len(samples) - len(samples) % 2], rate
        pos = body + size + (size & 1)
    raise WavParseError("no data chunk")


def to_wire_rate(pcm16: bytes, rate: int) -> bytes:
    """Resample mono PCM16 to the 24 kHz the protocol carries."""
    if rate == SAMPLE_RATE_HZ:
        return pcm16
    samples = np.frombuffer(pcm16, dtype="<i2")
    resampled = soxr.resample(samples, rate, SAMPLE_RATE_HZ, quality="HQ")
    return np.asarray(resampled, dtype="<i2").tobytes()


def synthetic_voice(text: str, rate: float = 1.0) -> bytes:
    """A buzz with a syllable-rate envelope: obviously not a person, but shaped like speech.
    A faster speaking `rate` makes it proportionally shorter."""
    words = max(1, len(text.split()))
    duration_s = (0.3 * words + 0.2) / rate
    t = np.arange(int(duration_s * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
    pitch = 120.0 * (1 + 0.05 * np.sin(2 * np.pi * 0.7 * t))
    phase = 2 * np.pi * np.cumsum(pitch) / SAMPLE_RATE_HZ
    buzz = sum(np.sin(k * phase) / k for k in range(1, 6))
    envelope = np.clip(np.sin(2 * np.pi * (1 / 0.3) * t), 0, None) ** 0.5
    wave = 0.25 * buzz * envelope / np.max(np.abs(buzz))
    return np.asarray(wave * 32767, dtype="<i2").tobytes()


class SpeechSynthesizer:
    """Turns reply text into 24 kHz PCM16, off the event loop, with a small cache."""

    def __init__(self, use_espeak: bool = True) -> None:
        self.espeak_path = shutil.which("espeak-ng") if use_espeak else None
        self._cache: OrderedDict[tuple[str, SpeechStyle], bytes] = OrderedDict()
        self._word_clock = EspeakWordClock() if self.espeak_path else None
        self._timings: OrderedDict[tuple[str, SpeechStyle], list[tuple[str, int]] | None] = (
            OrderedDict()
        )

    @property
    def is_real_speech(self) -> bool:
        """True when replies are espeak-ng speech, False for the synthetic voice."""
        return self.espeak_path is not None

    async def synthesize(self, text: str, style: SpeechStyle | None = None) -> bytes:
        """`text` as 24 kHz PCM16 in the session's voice locale and speaking rate; espeak-ng
        runs as a subprocess so the loop never blocks."""
        style = style or SpeechStyle()
        key = (text, style)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        pcm = await self._espeak(text, style) if self.espeak_path else None
        if pcm is None:
            pcm = await asyncio.get_running_loop().run_in_executor(
                None, synthetic_voice, text, style.rate
            )
        self._cache[key] = pcm
        while len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return pcm

    async def word_times(
        self, text: str, audio_ms: int, style: SpeechStyle | None = None
    ) -> tuple[list[WordTime], bool]:
        """Where each word of `synthesize(text, style)` starts and how long it lasts, and
        whether espeak measured that (True) or it is estimated from word lengths (False)."""
        style = style or SpeechStyle()
        key = (text, style)
        clock = self._word_clock
        if key not in self._timings:
            starts = None
            if clock is not None and clock.available:
                starts = await asyncio.get_running_loop().run_in_executor(
                    None,
                    clock.word_starts,
                    text,
                    style.espeak_voice,
                    round(_ESPEAK_WORDS_PER_MINUTE * style.rate),
                )
            self._timings[key] = starts
            while len(self._timings) > _CACHE_SIZE:
                self._timings.popitem(last=False)
        starts = self._timings[key]
        if starts:
            return timed_words(starts, audio_ms), True
        return estimated_words(text, audio_ms), False

    async def _espeak(self, text: str, style: SpeechStyle) -> bytes | None:
        assert self.espeak_path is not None
        # Text goes in on stdin so nothing the user typed can be read as an option.
        process = await asyncio.create_subprocess_exec(
            self.espeak_path,
            "--stdout",
            "-v",
            style.espeak_voice,
            "-s",
            str(round(_ESPEAK_WORDS_PER_MINUTE * style.rate)),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            wav, err = await asyncio.wait_for(
                process.communicate(text.encode("utf-8")), _ESPEAK_TIMEOUT_S
            )
        except asyncio.TimeoutError:
            process.kill()
            await process.wait()
            log.warning(
                "espeak-ng took longer than %s s; using the synthetic voice", _ESPEAK_TIMEOUT_S
            )
            return None
        except asyncio.CancelledError:
            with contextlib.suppress(ProcessLookupError):  # it may have just finished
                process.kill()
            await process.wait()
            raise
        if process.returncode != 0:
            log.warning(
                "espeak-ng failed (%s): %s", process.returncode, err.decode(errors="replace")
            )
            return None
        try:
            pcm, rate = pcm16_from_wav(wav)
        except WavParseError as error:
            log.warning("espeak-ng output unusable: %s", error)
            return None
        return await asyncio.get_running_loop().run_in_executor(None, to_wire_rate, pcm, rate)
