"""Token usage of a response, read from `response.done`, split into text, audio and cached."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from voicelive_desktop.engine.event_fields import mapping_field


def _count(source: Mapping[str, Any] | None, key: str) -> int:
    value = source.get(key) if source is not None else None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return 0
    return value


@dataclass(frozen=True)
class TokenCounts:
    """Tokens billed for one response (or a sum of them), by kind.

    Cached input is counted apart from fresh input because it is priced apart: the `_in`
    fields hold only the fresh (uncached) tokens.
    """

    text_in: int = 0
    audio_in: int = 0
    cached_text_in: int = 0
    cached_audio_in: int = 0
    text_out: int = 0
    audio_out: int = 0

    @classmethod
    def from_usage(cls, usage: Mapping[str, Any]) -> TokenCounts:
        """Counts from a `response.done` usage object; missing or odd fields count as zero.

        The Realtime reference (which Voice Live follows) counts cached tokens inside
        `input_token_details.text_tokens`/`audio_tokens` and splits them again in
        `cached_tokens_details`; older payloads give only the `cached_tokens` total, which
        is then taken from text first (prompt caching starts with the instructions).
        """
        inputs = mapping_field(usage, "input_token_details")
        outputs = mapping_field(usage, "output_token_details")
        if inputs is None:
            text_in, audio_in, cached_text, cached_audio = _count(usage, "input_tokens"), 0, 0, 0
        else:
            text_in, audio_in = _count(inputs, "text_tokens"), _count(inputs, "audio_tokens")
            cached = mapping_field(inputs, "cached_tokens_details")
            if cached is not None:
                cached_text = min(text_in, _count(cached, "text_tokens"))
                cached_audio = min(audio_in, _count(cached, "audio_tokens"))
            else:
                total_cached = min(text_in + audio_in, _count(inputs, "cached_tokens"))
                cached_text = min(text_in, total_cached)
                cached_audio = total_cached - cached_text
        if outputs is None:
            text_out, audio_out = _count(usage, "output_tokens"), 0
        else:
            text_out, audio_out = _count(outputs, "text_tokens"), _count(outputs, "audio_tokens")
        return cls(
            text_in=text_in - cached_text,
            audio_in=audio_in - cached_audio,
            cached_text_in=cached_text,
            cached_audio_in=cached_audio,
            text_out=text_out,
            audio_out=audio_out,
        )

    @property
    def input_total(self) -> int:
        return self.text_in + self.audio_in + self.cached_text_in + self.cached_audio_in

    @property
    def output_total(self) -> int:
        return self.text_out + self.audio_out

    @property
    def total(self) -> int:
        return self.input_total + self.output_total

    def __add__(self, other: TokenCounts) -> TokenCounts:
        return TokenCounts(
            *(getattr(self, f.name) + getattr(other, f.name) for f in fields(TokenCounts))
        )

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TokenCounts:
        """The inverse of `as_dict`, tolerant of missing or bad values (stored history)."""
        return cls(**{f.name: _count(data, f.name) for f in fields(TokenCounts)})


class UsageTally:
    """The running total of one session's responses (what the status bar shows)."""

    def __init__(self) -> None:
        self.total = TokenCounts()
        self.responses = 0

    def add(self, counts: TokenCounts) -> TokenCounts:
        self.total = self.total + counts
        self.responses += 1
        return self.total

    def reset(self) -> None:
        self.total = TokenCounts()
        self.responses = 0
