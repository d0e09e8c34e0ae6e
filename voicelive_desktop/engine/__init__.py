"""The session engine: a UI-free asyncio Voice Live conversation (no Qt, no audio devices)."""

from __future__ import annotations

from voicelive_desktop.engine.auth import (
    ENV_API_KEY,
    ENV_ENDPOINT,
    EnvConnection,
    entra_credential,
    env_connection,
    key_credential,
)
from voicelive_desktop.engine.backoff import ReconnectBackoff
from voicelive_desktop.engine.engine import SessionEngine
from voicelive_desktop.engine.errors import (
    ConnectionLost,
    CredentialsRejected,
    EndpointUnreachable,
    ResourceNotFound,
    SessionNotReady,
    VoiceLiveError,
)
from voicelive_desktop.engine.events import (
    AssistantAudioReceived,
    AssistantInterrupted,
    AssistantResponseStarted,
    AssistantTranscriptCompleted,
    AssistantTranscriptDelta,
    AssistantWordTimed,
    AudioLevelMeasured,
    EngineEvent,
    ErrorKind,
    ReconnectScheduled,
    ResponseFinished,
    ResponseUsageCounted,
    SessionConfigured,
    SessionErrorReported,
    SessionState,
    SessionStateChanged,
    TurnLatencyMeasured,
    UserSpeechStarted,
    UserSpeechStopped,
    UserTextSent,
    UserTranscriptCompleted,
)
from voicelive_desktop.engine.hostile_input import HostileInputStats
from voicelive_desktop.engine.playback_port import PlaybackSink
from voicelive_desktop.engine.session_config import InvalidSessionSettings, build_request_session
from voicelive_desktop.engine.session_settings import (
    AuthMethod,
    ConnectionSettings,
    SessionSettings,
    TurnDetectionMode,
    TurnDetectionSettings,
    VoiceSettings,
)
from voicelive_desktop.engine.usage import TokenCounts, UsageTally
from voicelive_desktop.engine.user_input import MIN_MANUAL_TURN_MS

__all__ = [
    "ENV_API_KEY",
    "ENV_ENDPOINT",
    "MIN_MANUAL_TURN_MS",
    "AssistantAudioReceived",
    "AssistantInterrupted",
    "AssistantResponseStarted",
    "AssistantTranscriptCompleted",
    "AssistantTranscriptDelta",
    "AssistantWordTimed",
    "AudioLevelMeasured",
    "AuthMethod",
    "ConnectionLost",
    "ConnectionSettings",
    "CredentialsRejected",
    "EndpointUnreachable",
    "EngineEvent",
    "EnvConnection",
    "ErrorKind",
    "HostileInputStats",
    "InvalidSessionSettings",
    "PlaybackSink",
    "ReconnectBackoff",
    "ReconnectScheduled",
    "ResourceNotFound",
    "ResponseFinished",
    "ResponseUsageCounted",
    "SessionConfigured",
    "SessionEngine",
    "SessionErrorReported",
    "SessionNotReady",
    "SessionSettings",
    "SessionState",
    "SessionStateChanged",
    "TokenCounts",
    "TurnDetectionMode",
    "TurnDetectionSettings",
    "TurnLatencyMeasured",
    "UsageTally",
    "UserSpeechStarted",
    "UserSpeechStopped",
    "UserTextSent",
    "UserTranscriptCompleted",
    "VoiceLiveError",
    "VoiceSettings",
    "build_request_session",
    "entra_credential",
    "env_connection",
    "key_credential",
]
