"""SessionSettings -> RequestSession: what the service is asked for, field by field."""

from __future__ import annotations

import pytest
from azure.ai.voicelive.models import (
    AzureCustomVoice,
    AzureSemanticVad,
    AzureSemanticVadMultilingual,
    AzureStandardVoice,
    OpenAIVoice,
    ServerVad,
)

from voicelive_desktop.engine import (
    InvalidSessionSettings,
    SessionSettings,
    TurnDetectionMode,
    TurnDetectionSettings,
    VoiceSettings,
    build_request_session,
)
from voicelive_desktop.engine.session_config import build_voice
from voicelive_desktop.engine.session_settings import (
    EchoCancellationMode,
    EndOfUtteranceLevel,
    EndOfUtteranceModel,
)


@pytest.mark.parametrize(
    ("voice", "expected_type", "wire"),
    [
        (
            VoiceSettings(name="en-US-Ava:DragonHDLatestNeural"),
            AzureStandardVoice,
            # HD voices take their own temperature; every Azure voice takes a rate.
            {
                "name": "en-US-Ava:DragonHDLatestNeural",
                "type": "azure-standard",
                "temperature": 0.8,
                "rate": "1.0",
            },
        ),
        (
            VoiceSettings(name="de-DE-KatjaNeural"),
            AzureStandardVoice,
            {"name": "de-DE-KatjaNeural", "type": "azure-standard", "rate": "1.0"},
        ),
        (VoiceSettings(name="alloy"), OpenAIVoice, {"name": "alloy", "type": "openai"}),
        (VoiceSettings(name="Shimmer"), OpenAIVoice, {"name": "shimmer", "type": "openai"}),
        (
            VoiceSettings(name="MyBrandVoice", custom_endpoint_id="1234-abcd"),
            AzureCustomVoice,
            {
                "name": "MyBrandVoice",
                "endpoint_id": "1234-abcd",
                "type": "azure-custom",
                "temperature": 0.8,
                "rate": "1.0",
            },
        ),
    ],
)
def test_voice_kind_follows_the_name(
    voice: VoiceSettings, expected_type: type, wire: dict[str, object]
) -> None:
    built = build_voice(voice)
    assert isinstance(built, expected_type)
    assert built.as_dict() == wire


def test_defaults_give_a_complete_pcm16_session() -> None:
    wire = build_request_session(SessionSettings()).as_dict()
    assert wire["modalities"] == ["text", "audio"]
    assert wire["input_audio_format"] == "pcm16"
    assert wire["output_audio_format"] == "pcm16"
    assert wire["max_response_output_tokens"] == "inf"
    assert wire["temperature"] == 0.8
    assert wire["turn_detection"] == {
        "type": "server_vad",
        "threshold": 0.5,
        "prefix_padding_ms": 300,
        "silence_duration_ms": 500,
    }
    assert wire["input_audio_noise_reduction"] == {"type": "azure_deep_noise_suppression"}
    assert wire["input_audio_echo_cancellation"] == {
        "type": "server_echo_cancellation",
        "reference_source": "server",
    }
    assert wire["input_audio_transcription"] == {"model": "whisper-1"}
    assert wire["instructions"].startswith("You are a helpful")


@pytest.mark.parametrize(
    ("mode", "model_class", "wire_type"),
    [
        (TurnDetectionMode.SERVER_VAD, ServerVad, "server_vad"),
        (TurnDetectionMode.AZURE_SEMANTIC_VAD, AzureSemanticVad, "azure_semantic_vad"),
        (
            TurnDetectionMode.AZURE_SEMANTIC_VAD_MULTILINGUAL,
            AzureSemanticVadMultilingual,
            "azure_semantic_vad_multilingual",
        ),
    ],
)
def test_turn_detection_modes_carry_their_parameters(
    mode: TurnDetectionMode, model_class: type, wire_type: str
) -> None:
    settings = SessionSettings(
        turn_detection=TurnDetectionSettings(
            mode=mode, threshold=0.7, prefix_padding_ms=200, silence_duration_ms=800
        )
    )
    session = build_request_session(settings)
    assert isinstance(session.turn_detection, model_class)
    expected: dict[str, object] = {
        "type": wire_type,
        "threshold": 0.7,
        "prefix_padding_ms": 200,
        "silence_duration_ms": 800,
    }
    if mode is not TurnDetectionMode.SERVER_VAD:
        expected["remove_filler_words"] = False  # semantic VAD only
    assert session.as_dict()["turn_detection"] == expected


def test_semantic_vad_carries_filler_words_end_of_utterance_and_languages() -> None:
    settings = SessionSettings(
        turn_detection=TurnDetectionSettings(
            mode=TurnDetectionMode.AZURE_SEMANTIC_VAD_MULTILINGUAL,
            remove_filler_words=True,
            end_of_utterance=EndOfUtteranceModel.SEMANTIC_MULTILINGUAL,
            end_of_utterance_level=EndOfUtteranceLevel.LOW,
            end_of_utterance_timeout_ms=1500,
            languages=("en-US", "es-ES"),
        )
    )
    wire = build_request_session(settings).as_dict()["turn_detection"]
    assert wire["remove_filler_words"] is True
    assert wire["languages"] == ["en-US", "es-ES"]
    assert wire["end_of_utterance_detection"] == {
        "model": "semantic_detection_v1_multilingual",
        "threshold_level": "low",
        "timeout_ms": 1500,
    }


def test_server_vad_has_end_of_utterance_but_no_semantic_only_fields() -> None:
    settings = SessionSettings(
        turn_detection=TurnDetectionSettings(
            remove_filler_words=True,
            languages=("en-US",),
            end_of_utterance=EndOfUtteranceModel.SEMANTIC,
        )
    )
    wire = build_request_session(settings).as_dict()["turn_detection"]
    assert "remove_filler_words" not in wire and "languages" not in wire
    assert wire["end_of_utterance_detection"]["model"] == "semantic_detection_v1"


def test_phrase_list_and_language_go_with_azure_speech_only() -> None:
    azure = SessionSettings(
        input_transcription_model="azure-speech",
        input_transcription_language="de-DE",
        phrase_list=("Contoso", " ", "Zoë"),
    )
    wire = build_request_session(azure).as_dict()["input_audio_transcription"]
    assert wire == {"model": "azure-speech", "language": "de-DE", "phrase_list": ["Contoso", "Zoë"]}
    whisper = SessionSettings(input_transcription_model="whisper-1", phrase_list=("Contoso",))
    wire = build_request_session(whisper).as_dict()["input_audio_transcription"]
    assert wire == {"model": "whisper-1"}


@pytest.mark.parametrize(
    "voice",
    [
        VoiceSettings(name="en-US-AvaNeural", rate=1.8),
        VoiceSettings(name="en-US-Ava:DragonHDLatestNeural", temperature=1.4),
    ],
)
def test_voice_options_out_of_range_are_refused(voice: VoiceSettings) -> None:
    with pytest.raises(InvalidSessionSettings, match="between"):
        build_voice(voice)


def test_openai_voices_take_no_azure_voice_options() -> None:
    assert build_voice(VoiceSettings(name="alloy", rate=1.4)).as_dict() == {
        "name": "alloy",
        "type": "openai",
    }


def test_switched_off_features_are_sent_as_explicit_nulls() -> None:
    # Omitting them would leave a live session with whatever it had before.
    settings = SessionSettings(
        turn_detection=TurnDetectionSettings(mode=TurnDetectionMode.NONE),
        noise_suppression=False,
        echo_cancellation=EchoCancellationMode.OFF,
        input_transcription_model="",
    )
    wire = build_request_session(settings).as_dict()
    for key in (
        "turn_detection",
        "input_audio_noise_reduction",
        "input_audio_echo_cancellation",
        "input_audio_transcription",
    ):
        assert key in wire and wire[key] is None


def test_limits_and_text_only_modalities() -> None:
    settings = SessionSettings(
        max_response_output_tokens=300, modalities=("text",), temperature=1.1, instructions="Hi"
    )
    wire = build_request_session(settings).as_dict()
    assert wire["max_response_output_tokens"] == 300
    assert wire["modalities"] == ["text"]
    assert wire["temperature"] == 1.1
    assert wire["instructions"] == "Hi"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (SessionSettings(temperature=3.0), "temperature"),
        (SessionSettings(max_response_output_tokens=0), "at least 1 token"),
        (SessionSettings(modalities=("video",)), "modalities"),
        (SessionSettings(modalities=()), "modalities"),
        (SessionSettings(voice=VoiceSettings(name="  ")), "voice name is empty"),
        (
            SessionSettings(turn_detection=TurnDetectionSettings(threshold=1.5)),
            "threshold",
        ),
        (
            SessionSettings(turn_detection=TurnDetectionSettings(silence_duration_ms=-1)),
            "negative",
        ),
    ],
)
def test_unusable_settings_name_the_problem(settings: SessionSettings, message: str) -> None:
    with pytest.raises(InvalidSessionSettings, match=message):
        build_request_session(settings)
