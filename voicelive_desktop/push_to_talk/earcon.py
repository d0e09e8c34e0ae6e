"""Start/stop earcons: two tiny tones made in code, played through the app's speaker."""

from __future__ import annotations

import enum

import numpy as np

from voicelive_desktop.engine.playback_port import PlaybackSink
from voicelive_desktop.protocol import SAMPLE_RATE_HZ

_TONE_MS = 45
_FADE_MS = 5
# Quiet enough not to startle or to be taken for speech by an echo canceller.
_AMPLITUDE = 0.18


class Earcon(enum.Enum):
    """A rising pair of notes when the mic opens, a falling pair when it closes; a rising
    triad for a notification."""

    START = (660.0, 880.0)
    STOP = (880.0, 660.0)
    ALERT = (784.0, 988.0, 1319.0)  # a rising triad: a timer fired, a notification


def earcon_pcm16(earcon: Earcon) -> bytes:
    """The earcon as 24 kHz mono PCM16: two short notes, faded in and out to avoid clicks."""
    notes = [_tone(frequency) for frequency in earcon.value]
    return np.concatenate(notes).astype("<i2").tobytes()


def _tone(frequency: float) -> np.ndarray:
    count = SAMPLE_RATE_HZ * _TONE_MS // 1000
    t = np.arange(count) / SAMPLE_RATE_HZ
    wave = np.sin(2 * np.pi * frequency * t)
    fade = SAMPLE_RATE_HZ * _FADE_MS // 1000
    envelope = np.ones(count)
    envelope[:fade] = np.linspace(0.0, 1.0, fade)
    envelope[-fade:] = np.linspace(1.0, 0.0, fade)
    return np.round(wave * envelope * _AMPLITUDE * 32767)


_CACHE = {earcon: earcon_pcm16(earcon) for earcon in Earcon}


def play_earcon(playback: PlaybackSink, earcon: Earcon) -> None:
    """Queue the earcon on `playback` under its own item id (never an assistant item)."""
    playback.enqueue(f"earcon_{earcon.name.lower()}", _CACHE[earcon])
