"""What the preferences dialog offers to pick from: models, voices, transcription models."""

from __future__ import annotations

from voicelive_desktop.engine.session_settings import TurnDetectionMode

MODELS = [
    "gpt-realtime",
    "gpt-realtime-mini",
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-4.1",
    "phi4-mm-realtime",
]
VOICES = [
    # Azure HD voices
    "en-US-Ava:DragonHDLatestNeural",
    "en-US-Andrew:DragonHDLatestNeural",
    "en-US-Emma:DragonHDLatestNeural",
    "en-US-Brian:DragonHDLatestNeural",
    # Azure standard voices
    "en-US-AvaNeural",
    "en-US-AndrewNeural",
    "en-US-JennyNeural",
    "en-GB-SoniaNeural",
    "de-DE-KatjaNeural",
    "fr-FR-DeniseNeural",
    # OpenAI voices
    "alloy",
    "ash",
    "ballad",
    "coral",
    "echo",
    "sage",
    "shimmer",
    "verse",
]
TRANSCRIPTION_MODELS = ["azure-speech", "whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe"]
TURN_DETECTION_LABELS = {
    TurnDetectionMode.SERVER_VAD: "Server voice activity detection",
    TurnDetectionMode.AZURE_SEMANTIC_VAD: "Azure semantic VAD",
    TurnDetectionMode.AZURE_SEMANTIC_VAD_MULTILINGUAL: "Azure semantic VAD (multilingual)",
    TurnDetectionMode.NONE: "None (push-to-talk decides)",
}
