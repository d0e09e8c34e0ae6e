"""Which input transcription settings the simulated service takes with which model."""

from __future__ import annotations

from typing import Any

from voicelive_desktop.simulator.session_errors import InvalidSessionUpdate

# voice-live-how-to.md, "Audio input transcription": whisper-1, gpt-4o-transcribe,
# gpt-4o-mini-transcribe and gpt-4o-transcribe-diarize go with gpt-realtime and
# gpt-realtime-mini; azure-speech and mai-transcribe with "all non-multimodal models and
# agents"; voice-live-language-support.md: Azure speech to text also transcribes
# phi4-mm-realtime's input.
_OPENAI_TRANSCRIPTION = frozenset(
    {"whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe", "gpt-4o-transcribe-diarize"}
)
_AZURE_TRANSCRIPTION = frozenset({"azure-speech", "mai-transcribe", "mai-transcribe-1"})
# voice-live-how-to-customize.md, "Phrase list": "Phrase list currently doesn't support
# gpt-realtime, gpt-4o-mini-realtime, and phi4-mm-realtime."
_PHRASE_LIST_FIELDS = ("phrase_list", "custom_speech")


def _speech_model(model: str) -> bool:
    """A model that hears speech itself: the OpenAI realtime models and phi4-mm-realtime."""
    return "realtime" in model.lower()


def check_transcription(value: Any, model: str | None) -> None:
    """Refuse `input_audio_transcription` the session's `model` (None: a Foundry agent) does
    not take. voice-live-api-reference-2026-04-10.md, RealtimeAudioInputTranscriptionSettings:
    `phrase_list` and `custom_speech` are "only valid for azure-speech model"; `language` is
    a BCP-47 or ISO-639-1 code, or several with auto detection ("en,zh")."""
    if value is None:
        return
    param = "session.input_audio_transcription"
    if not isinstance(value, dict) or not isinstance(value.get("model"), str):
        raise InvalidSessionUpdate(
            "'input_audio_transcription' must be null or an object with a 'model'.", param
        )
    name = value["model"]
    openai_realtime = (
        model is not None and model.lower().startswith("gpt-") and _speech_model(model)
    )
    allowed = _OPENAI_TRANSCRIPTION if openai_realtime else _AZURE_TRANSCRIPTION
    if name not in allowed:
        raise InvalidSessionUpdate(
            f"Input transcription model {name!r} is not supported with "
            f"{'this agent' if model is None else repr(model)}; use one of "
            f"{', '.join(sorted(allowed))}.",
            f"{param}.model",
        )
    phrases = value.get("phrase_list")
    if phrases is not None and (
        not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases)
    ):
        raise InvalidSessionUpdate(
            "Invalid 'phrase_list': expected a list of strings.", f"{param}.phrase_list"
        )
    for field in _PHRASE_LIST_FIELDS:
        if value.get(field) is None:
            continue
        if name != "azure-speech":
            raise InvalidSessionUpdate(
                f"'{field}' is only valid for the azure-speech model, not {name!r}.",
                f"{param}.{field}",
            )
        if model is not None and _speech_model(model):
            raise InvalidSessionUpdate(
                f"'{field}' is not supported with {model!r}.", f"{param}.{field}"
            )
    language = value.get("language")
    if language is not None and not isinstance(language, str):
        raise InvalidSessionUpdate(
            f"Invalid 'language' {language!r}: expected a language code.", f"{param}.language"
        )
