"""The voices the app offers, and what kind each voice name is (Azure HD, standard, OpenAI)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from azure.ai.voicelive.models import OpenAIVoiceName

OPENAI_VOICE_NAMES = frozenset(name.value for name in OpenAIVoiceName)
# An Azure neural voice name starts with its locale: "en-US-AvaNeural", "de-DE-Katja...".
_LOCALE = re.compile(r"^([a-z]{2,3}-[A-Z][A-Za-z]{1,3})-")


class VoiceKind(str, enum.Enum):
    """Which family a voice belongs to; it decides which voice options the service takes."""

    AZURE_HD = "azure_hd"
    AZURE_STANDARD = "azure_standard"
    OPENAI = "openai"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def has_voice_temperature(self) -> bool:
        """Azure HD and custom voices take their own `temperature` (0-1, voice-live-how-to)."""
        return self in (VoiceKind.AZURE_HD, VoiceKind.CUSTOM)

    @property
    def has_speaking_rate(self) -> bool:
        """The `rate` property applies to Azure standard, HD and custom voices only."""
        return self is not VoiceKind.OPENAI


_KIND_LABELS = {
    VoiceKind.AZURE_HD: "Azure HD",
    VoiceKind.AZURE_STANDARD: "Azure standard",
    VoiceKind.OPENAI: "OpenAI",
    VoiceKind.CUSTOM: "Custom",
}


@dataclass(frozen=True)
class VoiceInfo:
    """One voice the picker lists: its service name, family, locale and a short person name."""

    name: str
    kind: VoiceKind
    locale: str  # "" when the voice speaks many languages (OpenAI voices)
    person: str


def voice_kind(name: str, custom_endpoint_id: str = "") -> VoiceKind:
    """The family of a voice name as the session config builder will send it."""
    if custom_endpoint_id.strip():
        return VoiceKind.CUSTOM
    if name.strip().lower() in OPENAI_VOICE_NAMES:
        return VoiceKind.OPENAI
    if ":DragonHD" in name:
        return VoiceKind.AZURE_HD
    return VoiceKind.AZURE_STANDARD


def voice_locale(name: str) -> str:
    match = _LOCALE.match(name.strip())
    return match.group(1) if match else ""


def describe_voice(name: str, custom_endpoint_id: str = "") -> VoiceInfo:
    """A VoiceInfo for any name, listed or typed by the user."""
    kind = voice_kind(name, custom_endpoint_id)
    locale = voice_locale(name)
    person = name.strip()
    if locale:
        person = person[len(locale) + 1 :]
    person = person.split(":", 1)[0].removesuffix("Neural") or name
    return VoiceInfo(
        name.strip(), kind, locale, person.capitalize() if kind is VoiceKind.OPENAI else person
    )


_LISTED = [
    "en-US-Ava:DragonHDLatestNeural",
    "en-US-Andrew:DragonHDLatestNeural",
    "en-US-Emma:DragonHDLatestNeural",
    "en-US-Brian:DragonHDLatestNeural",
    "en-US-Aria:DragonHDLatestNeural",
    "de-DE-Seraphina:DragonHDLatestNeural",
    "en-US-AvaNeural",
    "en-US-AndrewNeural",
    "en-US-JennyNeural",
    "en-GB-SoniaNeural",
    "en-GB-RyanNeural",
    "de-DE-KatjaNeural",
    "fr-FR-DeniseNeural",
    "es-ES-ElviraNeural",
    "it-IT-ElsaNeural",
    "ja-JP-NanamiNeural",
    "zh-CN-XiaoxiaoNeural",
    *sorted(OPENAI_VOICE_NAMES),
]
VOICE_CATALOG: tuple[VoiceInfo, ...] = tuple(describe_voice(name) for name in _LISTED)
