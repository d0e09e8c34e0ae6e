"""Where each word of the simulator's speech starts: reported by espeak-ng, or estimated.

espeak-ng's command line cannot report word positions, but its library can: a synthesis
callback receives WORD events with the text position and the audio position (ms) of each
word. The same library voices the command line's output, with the same samples (the command
line only appends trailing silence), so positions measured here are positions in the audio
the simulator sends. espeak reports where words start, not where they end: a word's
duration runs to the next word's start (its pause included), the last word's to the end of
the audio. Without the library (or for the synthetic buzz) the positions are estimated by
spreading the audio over the words in proportion to their length, and `measured` is False.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
from dataclasses import dataclass

log = logging.getLogger(__name__)

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_PARAMETER_RATE = 1
_CHARS_UTF8 = 1
_END_OF_TEXT = 0x1000  # espeakENDPAUSE: a pause at the end, as the command line makes


@dataclass(frozen=True)
class WordTime:
    """One spoken word and where it sits in the reply's audio."""

    text: str
    offset_ms: int
    duration_ms: int


class _EspeakEvent(ctypes.Structure):
    # espeak_EVENT from speak_lib.h (espeak-ng 1.49+).
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_EspeakEvent)
)


class EspeakWordClock:
    """Measures word start times with libespeak-ng; one synthesis at a time (the library
    keeps global state), so calls are serialised and meant for a worker thread."""

    _lock = threading.Lock()

    def __init__(self) -> None:
        self._library: ctypes.CDLL | None = None
        self._callback = _SynthCallback(self._on_synth)
        self._starts: list[tuple[int, int, int]] = []
        self._ready = False
        name = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        try:
            self._library = ctypes.CDLL(name)
        except OSError:
            log.info("libespeak-ng not found; word timings of the simulator are estimated")

    @property
    def available(self) -> bool:
        return self._library is not None

    def _on_synth(self, _wav: object, _samples: int, events: object) -> int:
        index = 0
        while events[index].type != _EVENT_LIST_TERMINATED:  # type: ignore[index]
            event = events[index]  # type: ignore[index]
            if event.type == _EVENT_WORD and event.length > 0:
                self._starts.append((event.text_position, event.length, event.audio_position))
            index += 1
        return 0

    def word_starts(
        self, text: str, voice: str = "en-us", words_per_minute: int = 170
    ) -> list[tuple[str, int]] | None:
        """(word, start ms) of `text` spoken as `espeak-ng -v voice -s words_per_minute`
        would, in speaking order; None when espeak cannot say."""
        library = self._library
        if library is None:
            return None
        with EspeakWordClock._lock:
            if not self._ready:
                if library.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0) <= 0:
                    self._library = None
                    return None
                self._ready = True
            library.espeak_SetSynthCallback(self._callback)
            library.espeak_SetVoiceByName(voice.encode())
            library.espeak_SetParameter(_PARAMETER_RATE, words_per_minute, 0)
            self._starts = []
            data = text.encode("utf-8")
            status = library.espeak_Synth(
                data, len(data) + 1, 0, 0, 0, _CHARS_UTF8 | _END_OF_TEXT, None, None
            )
            library.espeak_Synchronize()
            starts, self._starts = self._starts, []
        if status != 0:
            log.warning("espeak-ng could not time the words (status %s)", status)
            return None
        # text_position counts characters from 1.
        return [(text[p - 1 : p - 1 + n], ms) for p, n, ms in starts if text[p - 1 : p - 1 + n]]


def timed_words(starts: list[tuple[str, int]], audio_ms: int) -> list[WordTime]:
    """Words with durations: each lasts until the next one starts, the last to `audio_ms`."""
    words: list[WordTime] = []
    for index, (text, offset) in enumerate(starts):
        end = starts[index + 1][1] if index + 1 < len(starts) else max(offset, audio_ms)
        words.append(WordTime(text, offset, max(0, end - offset)))
    return words


def estimated_words(text: str, audio_ms: int) -> list[WordTime]:
    """An estimate when espeak cannot time the words: audio shared by word length."""
    parts = text.split()
    weights = [len(part) + 1 for part in parts]
    total = sum(weights) or 1
    words, elapsed = [], 0
    for part, weight in zip(parts, weights, strict=True):
        duration = audio_ms * weight // total
        words.append(WordTime(part, elapsed, duration))
        elapsed += duration
    return words
