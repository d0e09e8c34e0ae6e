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


class EndOfUtteranceModel(str, enum.Enum):
    """Azure's semantic end-of-utterance detector, which waits through natural pauses."""

    OFF = "off"
    SEMANTIC = "semantic_detection_v1"  # English
    SEMANTIC_MULTILINGUAL = "semantic_detection_v1_multilingual"


class EndOfUtteranceLevel(str, enum.Enum):
    """How sure the detector must be that a sentence is complete ("default" is medium)."""

    DEFAULT = "default"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ConnectionProfile(str, enum.Enum):
    """Who answers: a model with the app's instructions and tools, or a Foundry agent."""

    MODEL = "model"
    FOUNDRY_AGENT = "foundry_agent"


@dataclass(frozen=True)
class FoundryAgentSettings:
    """Which Foundry agent answers in agent mode (engine/agent_mode.py)."""

    agent_name: str = ""
    project_name: str = ""
    agent_version: str = ""  # "": the agent's latest version
    conversation_id: str = ""  # "": a new conversation


class EchoCancellationMode(str, enum.Enum):
    """Who removes the assistant's voice that the microphone picks up from the speakers."""

    OFF = "off"
    SERVICE = "service"  # the service, with its own output as the reference
    SERVICE_WITH_CLIENT_REFERENCE = "service_client_reference"  # ch1: what this computer plays
    THIS_COMPUTER = "this_computer"  # a local WebRTC AEC3 before the mic audio is sent


@dataclass(frozen=True)
class ConnectionSettings:
    """Where to connect and how to authenticate (the secret itself is never stored here)."""

    endpoint: str = ""
    model: str = DEFAULT_MODEL
    auth: AuthMethod = AuthMethod.API_KEY
    api_version: str | None = None  # None: the SDK's default
    profile: ConnectionProfile = ConnectionProfile.MODEL
    agent: FoundryAgentSettings = field(default_factory=FoundryAgentSettings)


@dataclass(frozen=True)
class VoiceSettings:
    """The assistant's voice: an Azure standard/HD name, an OpenAI name, or a custom voice."""

    name: str = "en-US-Ava:DragonHDLatestNeural"
    custom_endpoint_id: str = ""  # set for an Azure custom voice
    temperature: float = 0.8  # the voice's own variability: Azure HD and custom voices only
    rate: float = 1.0  # speaking rate multiplier: Azure voices only


@dataclass(frozen=True)
class TurnDetectionSettings:
    """Server-side voice activity detection parameters."""

    mode: TurnDetectionMode = TurnDetectionMode.SERVER_VAD
    threshold: float = 0.5
    prefix_padding_ms: int = 300
    silence_duration_ms: int = 500
    remove_filler_words: bool = False  # Azure semantic VAD only
    end_of_utterance: EndOfUtteranceModel = EndOfUtteranceModel.OFF
    end_of_utterance_level: EndOfUtteranceLevel = EndOfUtteranceLevel.DEFAULT
    end_of_utterance_timeout_ms: int = 1000
    languages: tuple[str, ...] = ()  # BCP-47 codes; Azure semantic VAD only


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
    # The engine's default is mono (any caller can feed it); the app's default, which pairs
    # the mic with what it plays, is in settings.AppSettings.
    echo_cancellation: EchoCancellationMode = EchoCancellationMode.SERVICE
    # "" turns input transcription off. The default model (gpt-realtime) takes OpenAI's
    # transcription models; engine.model_transcription swaps in what another model takes.
    input_transcription_model: str = "whisper-1"
    input_transcription_language: str = ""  # "" lets the service detect it
    phrase_list: tuple[str, ...] = ()  # recognition hints; azure-speech with text models only
    greet_on_connect: bool = False  # the assistant speaks first when a session opens
