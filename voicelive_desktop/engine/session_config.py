"""SessionSettings -> the SDK's RequestSession sent in `session.update`."""

from __future__ import annotations

from typing import Literal

from azure.ai.voicelive.models import (
    AudioInputTranscriptionOptions,
    AudioNoiseReduction,
    AudioTimestampType,
    AzureCustomVoice,
    AzureSemanticDetection,
    AzureSemanticDetectionMultilingual,
    AzureSemanticVad,
    AzureSemanticVadMultilingual,
    AzureStandardVoice,
    InputAudioFormat,
    Modality,
    OpenAIVoice,
    OutputAudioFormat,
    RequestSession,
    ServerVad,
    TurnDetection,
)

from voicelive_desktop.engine.echo_mode import build_echo_cancellation
from voicelive_desktop.engine.session_settings import (
    EndOfUtteranceModel,
    SessionSettings,
    TurnDetectionMode,
    TurnDetectionSettings,
    VoiceSettings,
)
from voicelive_desktop.engine.voices import VoiceKind, voice_kind

# The ranges the Voice Live reference (voice-live-api-reference-2026-04-10.md) gives: a voice's
# own temperature 0-1; speaking rate 0.5-1.5 (voice-live-how-to.md, "Speaking rate"). The
# session temperature depends on the model: engine.model_temperature.
VOICE_TEMPERATURE_RANGE = (0.0, 1.0)
SPEAKING_RATE_RANGE = (0.5, 1.5)
_MODALITIES = frozenset(m.value for m in Modality)

Voice = AzureStandardVoice | OpenAIVoice | AzureCustomVoice


class InvalidSessionSettings(ValueError):
    """A setting cannot be expressed as a Voice Live session; the message names it."""


def build_voice(voice: VoiceSettings) -> Voice:
    """Pick the voice model from the name: OpenAI names, custom voice, else Azure standard/HD."""
    name = voice.name.strip()
    if not name:
        raise InvalidSessionSettings("The voice name is empty; choose a voice in Preferences.")
    kind = voice_kind(name, voice.custom_endpoint_id)
    if kind is VoiceKind.OPENAI:
        return OpenAIVoice(name=name.lower())
    _check_range("speaking rate", voice.rate, SPEAKING_RATE_RANGE)
    rate = str(round(voice.rate, 2))
    temperature: float | None = None
    if kind.has_voice_temperature:
        _check_range("voice temperature", voice.temperature, VOICE_TEMPERATURE_RANGE)
        temperature = voice.temperature
    if kind is VoiceKind.CUSTOM:
        return AzureCustomVoice(
            name=name,
            endpoint_id=voice.custom_endpoint_id.strip(),
            temperature=temperature,
            rate=rate,
        )
    return AzureStandardVoice(name=name, temperature=temperature, rate=rate)


def _check_range(what: str, value: float, bounds: tuple[float, float]) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise InvalidSessionSettings(
            f"The {what} must be between {low:g} and {high:g} (got {value:g})."
        )


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
    vad = vad_class(
        threshold=settings.threshold,
        prefix_padding_ms=settings.prefix_padding_ms,
        silence_duration_ms=settings.silence_duration_ms,
    )
    if settings.end_of_utterance is not EndOfUtteranceModel.OFF:
        if settings.end_of_utterance_timeout_ms < 0:
            raise InvalidSessionSettings("The end-of-utterance timeout must not be negative.")
        detector = (
            AzureSemanticDetection
            if settings.end_of_utterance is EndOfUtteranceModel.SEMANTIC
            else AzureSemanticDetectionMultilingual
        )
        vad["end_of_utterance_detection"] = detector(
            threshold_level=settings.end_of_utterance_level.value,
            timeout_ms=settings.end_of_utterance_timeout_ms,
        )
    if vad_class is not ServerVad:
        # Filler-word removal and languages exist for Azure semantic VAD only.
        vad["remove_filler_words"] = settings.remove_filler_words
        if settings.languages:
            vad["languages"] = list(settings.languages)
    return vad


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
    session["input_audio_echo_cancellation"] = build_echo_cancellation(settings.echo_cancellation)
    session["input_audio_transcription"] = build_input_transcription(settings)
    if voice_kind(settings.voice.name.strip(), settings.voice.custom_endpoint_id) is not (
        VoiceKind.OPENAI
    ):
        # Word timestamps come "when you use Azure voices" (voice-live-how-to.md, "Audio
        # timestamps"); the transcript lights words up with them as they are heard.
        session["output_audio_timestamp_types"] = [AudioTimestampType.WORD]
    return session


def build_input_transcription(settings: SessionSettings) -> AudioInputTranscriptionOptions | None:
    """Transcription of the user's speech; the phrase list only goes to azure-speech, the one
    model the reference allows it for."""
    model = settings.input_transcription_model.strip()
    if not model:
        return None
    options = AudioInputTranscriptionOptions(model=model)
    if settings.input_transcription_language.strip():
        options["language"] = settings.input_transcription_language.strip()
    phrases = [p.strip() for p in settings.phrase_list if p.strip()]
    if phrases and model == "azure-speech":
        options["phrase_list"] = phrases
    return options
