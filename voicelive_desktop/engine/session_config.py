"""SessionSettings -> the SDK's RequestSession sent in `session.update`."""

from __future__ import annotations

from typing import Literal

from azure.ai.voicelive.models import (
    AudioEchoCancellation,
    AudioInputTranscriptionOptions,
    AudioNoiseReduction,
    AzureCustomVoice,
    AzureSemanticVad,
    AzureSemanticVadMultilingual,
    AzureStandardVoice,
    InputAudioFormat,
    Modality,
    OpenAIVoice,
    OpenAIVoiceName,
    OutputAudioFormat,
    RequestSession,
    ServerVad,
    TurnDetection,
)

from voicelive_desktop.engine.session_settings import (
    SessionSettings,
    TurnDetectionMode,
    TurnDetectionSettings,
    VoiceSettings,
)

OPENAI_VOICE_NAMES = frozenset(name.value for name in OpenAIVoiceName)
_MODALITIES = frozenset(m.value for m in Modality)

Voice = AzureStandardVoice | OpenAIVoice | AzureCustomVoice


class InvalidSessionSettings(ValueError):
    """A setting cannot be expressed as a Voice Live session; the message names it."""


def build_voice(voice: VoiceSettings) -> Voice:
    """Pick the voice model from the name: OpenAI names, custom voice, else Azure standard/HD."""
    name = voice.name.strip()
    if not name:
        raise InvalidSessionSettings("The voice name is empty; choose a voice in Preferences.")
    if voice.custom_endpoint_id.strip():
        return AzureCustomVoice(name=name, endpoint_id=voice.custom_endpoint_id.strip())
    if name.lower() in OPENAI_VOICE_NAMES:
        return OpenAIVoice(name=name.lower())
    return AzureStandardVoice(name=name)


def build_turn_detection(settings: TurnDetectionSettings) -> TurnDetection | None:
    """The VAD model for the mode; None means the client commits turns (push-to-talk)."""
    if not 0.0 <= settings.threshold <= 1.0:
        raise InvalidSessionSettings(
            f"The voice detection threshold must be between 0 and 1 (got {settings.threshold})."
        )
    if settings.prefix_padding_ms < 0 or settings.silence_duration_ms < 0:
        raise InvalidSessionSettings("Voice detection padding and silence must not be negative.")
    vad_class: type[ServerVad | AzureSemanticVad | AzureSemanticVadMultilingual]
    if settings.mode is TurnDetectionMode.SERVER_VAD:
        vad_class = ServerVad
    elif settings.mode is TurnDetectionMode.AZURE_SEMANTIC_VAD:
        vad_class = AzureSemanticVad
    elif settings.mode is TurnDetectionMode.AZURE_SEMANTIC_VAD_MULTILINGUAL:
        vad_class = AzureSemanticVadMultilingual
    else:
        return None
    return vad_class(
        threshold=settings.threshold,
        prefix_padding_ms=settings.prefix_padding_ms,
        silence_duration_ms=settings.silence_duration_ms,
    )


def build_request_session(settings: SessionSettings) -> RequestSession:
    """The full session configuration; raises InvalidSessionSettings naming a bad value."""
    if not 0.0 <= settings.temperature <= 2.0:
        raise InvalidSessionSettings(
            f"The temperature must be between 0 and 2 (got {settings.temperature})."
        )
    max_tokens: int | Literal["inf"] = "inf"
    if settings.max_response_output_tokens is not None:
        if settings.max_response_output_tokens < 1:
            raise InvalidSessionSettings("The maximum response length must be at least 1 token.")
        max_tokens = settings.max_response_output_tokens
    unknown = [m for m in settings.modalities if m not in _MODALITIES]
    if unknown or not settings.modalities:
        raise InvalidSessionSettings(
            f"Unsupported response modalities {list(settings.modalities)}; use text and/or audio."
        )
    session = RequestSession(
        modalities=[Modality(m) for m in settings.modalities],
        instructions=settings.instructions,
        voice=build_voice(settings.voice),
        temperature=settings.temperature,
        max_response_output_tokens=max_tokens,
        input_audio_format=InputAudioFormat.PCM16,
        output_audio_format=OutputAudioFormat.PCM16,
    )
    # Explicit nulls switch a feature off on a live session; leaving a field out would keep
    # whatever the previous session.update set.
    session["turn_detection"] = build_turn_detection(settings.turn_detection)
    session["input_audio_noise_reduction"] = (
        AudioNoiseReduction(type="azure_deep_noise_suppression")
        if settings.noise_suppression
        else None
    )
    session["input_audio_echo_cancellation"] = (
        AudioEchoCancellation() if settings.echo_cancellation else None
    )
    session["input_audio_transcription"] = (
        AudioInputTranscriptionOptions(model=settings.input_transcription_model)
        if settings.input_transcription_model
        else None
    )
    return session
