"""Which part of an assistant turn's text has been heard, from word timestamps and played ms.

Pure logic (no Qt): the transcript asks where the heard part of a turn's text ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

HEARD_ALL = 1 << 62  # played ms meaning "everything was heard"


@dataclass(frozen=True)
class TimedWord:
    """One spoken word and where it starts (and lasts) in its item's audio."""

    text: str
    offset_ms: int
    duration_ms: int


def word_spans(text: str, words: Sequence[TimedWord]) -> list[tuple[int, int] | None]:
    """Where each timed word sits in `text`, searched in order and case-blind.

    The timestamps' words need not match the transcript's spacing or punctuation ("VoiceLive"
    may be timed as "Voice" and "Live"); a word that cannot be found gets None and is skipped.
    """
    lowered = text.lower()
    spans: list[tuple[int, int] | None] = []
    position = 0
    for word in words:
        needle = word.text.strip().lower()
        found = lowered.find(needle, position) if needle else -1
        if found < 0:
            spans.append(None)
            continue
        position = found + len(needle)
        spans.append((found, position))
    return spans


def heard_until(text: str, words: Sequence[TimedWord], played_ms: int) -> int:
    """The character index in `text` up to which the words were heard after `played_ms`.

    A word counts as heard once its start has been played; the punctuation right after it
    goes with it. Text beyond the last timed word is not heard yet (its timestamps have not
    come); `HEARD_ALL` marks the whole text heard.
    """
    if played_ms >= HEARD_ALL:
        return len(text)
    heard = 0
    for word, span in zip(words, word_spans(text, words), strict=True):
        if word.offset_ms > played_ms:
            break
        if span is not None:
            heard = span[1]
    while heard < len(text) and not text[heard].isspace() and not text[heard].isalnum():
        heard += 1
    return heard
