"""The input transcription models and phrase lists each kind of model takes.

voice-live-how-to.md ("Audio input transcription") pairs them: `azure-speech` with "all
non-multimodal models and agents"; `whisper-1`, `gpt-4o-transcribe` and
`gpt-4o-mini-transcribe` with gpt-realtime and gpt-realtime-mini (the OpenAI realtime family).
voice-live-language-support.md: Azure speech to text also transcribes phi4-mm-realtime's input.
voice-live-how-to-customize.md ("Phrase list"): phrase lists need `azure-speech` and "currently
[don't] support gpt-realtime, gpt-4o-mini-realtime, and phi4-mm-realtime".

The settings keep what the user chose (their phrase list above all); what is sent is brought
to what the model takes, as `within_temperature_range` does for the temperature.
"""

from __future__ import annotations

import dataclasses
import logging

from voicelive_desktop.engine.model_family import ModelFamily, model_family
from voicelive_desktop.engine.session_settings import ConnectionSettings, SessionSettings

log = logging.getLogger(__name__)

AZURE_SPEECH = "azure-speech"
TRANSCRIPTION_OFF = ""
OPENAI_TRANSCRIPTION_MODELS = ("whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe")

_BY_FAMILY: dict[ModelFamily, tuple[str, ...]] = {
    ModelFamily.OPENAI_REALTIME: OPENAI_TRANSCRIPTION_MODELS,
    ModelFamily.PHI_MULTIMODAL: (AZURE_SPEECH,),
    ModelFamily.TEXT: (AZURE_SPEECH,),
    ModelFamily.AGENT: (AZURE_SPEECH,),
}
_PHRASE_LIST_FAMILIES = frozenset({ModelFamily.TEXT, ModelFamily.AGENT})


def transcription_models(connection: ConnectionSettings) -> tuple[str, ...]:
    """The transcription models this connection's model takes, the preferred first."""
    return _BY_FAMILY[model_family(connection)]


def valid_transcription_model(model: str, connection: ConnectionSettings) -> str:
    """`model` if this connection's model takes it (or transcription is off), else the
    preferred one it does take."""
    model = model.strip()
    allowed = transcription_models(connection)
    if model == TRANSCRIPTION_OFF or model in allowed:
        return model
    return allowed[0]


def phrase_list_unavailable(connection: ConnectionSettings, transcription_model: str) -> str:
    """Why a phrase list does nothing with these settings, or "" when it applies."""
    family = model_family(connection)
    if family not in _PHRASE_LIST_FAMILIES:
        return (
            f"Phrase lists do not work with {connection.model.strip()}: Voice Live takes them "
            "only with azure-speech for text models and agents"
        )
    if valid_transcription_model(transcription_model, connection) != AZURE_SPEECH:
        return "Phrase lists need azure-speech input transcription"
    return ""


def with_valid_transcription(
    session: SessionSettings, connection: ConnectionSettings
) -> SessionSettings:
    """`session` as it can be sent to this connection's model: a transcription model it takes,
    and no phrase list where none applies. The saved settings keep both as they were."""
    model = valid_transcription_model(session.input_transcription_model, connection)
    phrases = session.phrase_list
    if phrases and phrase_list_unavailable(connection, model):
        phrases = ()
    if model == session.input_transcription_model and phrases == session.phrase_list:
        return session
    if model != session.input_transcription_model.strip():
        log.info(
            "transcription model %r does not go with model %r; sending %r",
            session.input_transcription_model,
            connection.model,
            model,
        )
    return dataclasses.replace(session, input_transcription_model=model, phrase_list=phrases)
