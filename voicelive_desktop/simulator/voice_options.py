"""The session's voice as the simulator honours it: validation, espeak voice and speaking rate."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from voicelive_desktop.simulator.session_errors import InvalidSessionUpdate

# voice-live-api-reference-2026-04-10.md, RealtimeAzureStandardVoice / RealtimeAzureCustomVoice:
# "temperature: Optional. Temperature between 0.0 and 1.0"; "rate ... follows the same rules as
# the rate attribute of the SSML prosody element: a named level (x-slow, slow, medium, fast,
# x-fast, default), a relative percentage (+20%, -10%), or a non-negative multiplier (0.5,
# 1.5)". voice-live-how-to.md ("Speaking rate") adds that the value should range 0.5 to 1.5.
_NAMED_RATES = {
    "x-slow": 0.5,
    "slow": 0.75,
    "medium": 1.0,
    "default": 1.0,
    "fast": 1.25,
    "x-fast": 1.5,
}
_PERCENT = re.compile(r"^([+-]?\d+(?:\.\d+)?)%$")
_AZURE_TYPES = frozenset({"azure-standard", "azure-custom", "azure-personal"})
# espeak-ng voices for the locales the app lists; anything else speaks American English.
_ESPEAK_VOICES = {
    "en-GB": "en-gb",
    "de-DE": "de",
    "fr-FR": "fr",
    "es-ES": "es",
    "it-IT": "it",
    "ja-JP": "ja",
    "zh-CN": "cmn",
    "pt-PT": "pt",
}
_LOCALE = re.compile(r"^([a-z]{2,3}-[A-Z][A-Za-z]{1,3})-")


@dataclass(frozen=True)
class SpeechStyle:
    """How replies are spoken: the espeak-ng voice and the speaking-rate multiplier."""

    espeak_voice: str = "en-us"
    rate: float = 1.0


def speaking_rate(value: Any) -> float:
    """The multiplier an SSML-style rate string stands for; raises ValueError if unusable."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        rate = float(value)
    elif not isinstance(value, str):
        raise ValueError(value)
    elif value.strip().lower() in _NAMED_RATES:
        rate = _NAMED_RATES[value.strip().lower()]
    elif match := _PERCENT.match(value.strip()):
        rate = 1.0 + float(match.group(1)) / 100
    else:
        rate = float(value)
    if not 0.5 <= rate <= 1.5:
        raise ValueError(value)
    return rate


def check_voice(voice: Any) -> None:
    """Refuse a voice the service would refuse; the message names the field."""
    if not isinstance(voice, dict):
        raise InvalidSessionUpdate("'voice' must be an object.", "session.voice")
    name = voice.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidSessionUpdate("Invalid 'voice.name': it can't be empty.", "session.voice.name")
    if voice.get("type") not in _AZURE_TYPES:
        return
    temperature = voice.get("temperature")
    if temperature is not None and (
        not isinstance(temperature, (int, float)) or not 0.0 <= temperature <= 1.0
    ):
        raise InvalidSessionUpdate(
            f"Invalid 'voice.temperature' {temperature!r}: expected 0.0 to 1.0.",
            "session.voice.temperature",
        )
    rate = voice.get("rate")
    if rate is not None:
        try:
            speaking_rate(rate)
        except ValueError:
            raise InvalidSessionUpdate(
                f"Invalid 'voice.rate' {rate!r}: use 0.5 to 1.5, a percentage or a named level.",
                "session.voice.rate",
            ) from None


def speech_style(voice: Any) -> SpeechStyle:
    """The espeak voice for the voice's locale and its rate (OpenAI voices take no rate)."""
    if not isinstance(voice, dict):
        return SpeechStyle()
    name = str(voice.get("name") or "")
    match = _LOCALE.match(name)
    espeak_voice = _ESPEAK_VOICES.get(match.group(1), "en-us") if match else "en-us"
    rate = 1.0
    if voice.get("type") in _AZURE_TYPES and voice.get("rate") is not None:
        rate = speaking_rate(voice["rate"])
    return SpeechStyle(espeak_voice, rate)
