"""Typed, immutable settings that decide how a Voice Live session is opened and configured."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from voicelive_desktop.protocol import DEFAULT_MODEL


class AuthMethod(str, enum.Enum):
    """How the app proves who it is to the service."""

    API_KEY = "api_key"
    ENTRA_ID = "entra_id"


class TurnDetectionMode(str, enum.Enum):
    """Who decides when the user has finished speaking."""

    SERVER_VAD = "server_vad"
    AZURE_SEMANTIC_VAD = "azure_semantic_vad"
    AZURE_SEMANTIC_VAD_MULTILINGUAL = "azure_semantic_vad_multilingual"
    NONE = "none"  # the client commits the input buffer (push-to-talk)


@dataclass(frozen=True)
class ConnectionSettings:
    """Where to connect and how to authenticate (the secret itself is never stored here)."""

    endpoint: str = ""
    model: str = DEFAULT_MODEL
    auth: AuthMethod = AuthMethod.API_KEY
    api_version: str | None = None  # None: the SDK's default


@dataclass(frozen=True)
class VoiceSettings:
    """The assistant's voice: an Azure standard/HD name, an OpenAI name, or a custom voice."""

    name: str = "en-US-Ava:DragonHDLatestNeural"
    custom_endpoint_id: str = ""  # set for an Azure custom voice


@dataclass(frozen=True)
class TurnDetectionSettings:
    """Server-side voice activity detection parameters."""

    mode: TurnDetectionMode = TurnDetectionMode.SERVER_VAD
    threshold: float = 0.5
    prefix_padding_ms: int = 300
    silence_duration_ms: int = 500


@dataclass(frozen=True)
class SessionSettings:
    """Everything that goes into `session.update`."""

    instructions: str = (
        "You are a helpful, concise voice assistant. Answer in one or two short sentences."
    )
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    temperature: float = 0.8
    max_response_output_tokens: int | None = None  # None: unlimited ("inf")
    modalities: tuple[str, ...] = ("text", "audio")
    turn_detection: TurnDetectionSettings = field(default_factory=TurnDetectionSettings)
    noise_suppression: bool = True
    echo_cancellation: bool = True
    input_transcription_model: str = "azure-speech"  # "" turns input transcription off
