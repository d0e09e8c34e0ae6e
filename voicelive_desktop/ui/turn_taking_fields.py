"""The turn-taking settings: who ends a turn (server VAD or push-to-talk) and how VAD decides.

Part of the one description of every editable setting (ui.setting_fields.FIELDS takes these
in order); the turn-taking choice folds push-to-talk and the VAD type into one menu.
"""

from __future__ import annotations

import dataclasses

from voicelive_desktop.engine.session_settings import (
    EndOfUtteranceLevel,
    EndOfUtteranceModel,
    TurnDetectionMode,
)
from voicelive_desktop.settings import (
    END_OF_UTTERANCE_TIMEOUT_MS_RANGE,
    PREFIX_PADDING_MS_RANGE,
    SILENCE_DURATION_MS_RANGE,
    VAD_THRESHOLD_RANGE,
    AppSettings,
)
from voicelive_desktop.ui import setting_editors as ed
from voicelive_desktop.ui.setting_description import SettingField, field_at

# A mode the turn-taking choice offers besides the VAD types: push-to-talk (client commits).
PUSH_TO_TALK = "push_to_talk"


def _vad_on(settings: AppSettings) -> bool:
    return turn_mode(settings) != PUSH_TO_TALK


def _semantic(settings: AppSettings) -> bool:
    return turn_mode(settings) in (
        TurnDetectionMode.AZURE_SEMANTIC_VAD,
        TurnDetectionMode.AZURE_SEMANTIC_VAD_MULTILINGUAL,
    )


def _end_of_utterance_on(settings: AppSettings) -> bool:
    detection = settings.session.turn_detection
    return _vad_on(settings) and detection.end_of_utterance is not EndOfUtteranceModel.OFF


def turn_mode(settings: AppSettings) -> TurnDetectionMode | str:
    """The turn-taking choice: push-to-talk, else the VAD type."""
    mode = settings.session.turn_detection.mode
    if settings.push_to_talk.enabled or mode is TurnDetectionMode.NONE:
        return PUSH_TO_TALK
    return mode


def _write_turn_mode(settings: AppSettings, mode: TurnDetectionMode | str) -> AppSettings:
    ptt = mode == PUSH_TO_TALK
    settings = dataclasses.replace(
        settings, push_to_talk=dataclasses.replace(settings.push_to_talk, enabled=ptt)
    )
    if ptt:
        return settings  # the VAD values are kept for switching back to hands-free
    detection = dataclasses.replace(settings.session.turn_detection, mode=TurnDetectionMode(mode))
    return dataclasses.replace(
        settings, session=dataclasses.replace(settings.session, turn_detection=detection)
    )


TURN_TAKING_FIELDS: tuple[SettingField, ...] = (
    SettingField(
        "turn_mode",
        "Turn-taking",
        "Who decides when you have finished: voice detection on the server, or you with "
        "push-to-talk",
        turn_mode,
        _write_turn_mode,
        ed.Choice(
            [
                ("Server voice detection", TurnDetectionMode.SERVER_VAD),
                ("Azure semantic VAD", TurnDetectionMode.AZURE_SEMANTIC_VAD),
                (
                    "Azure semantic VAD (multilingual)",
                    TurnDetectionMode.AZURE_SEMANTIC_VAD_MULTILINGUAL,
                ),
                ("Push-to-talk", PUSH_TO_TALK),
            ]
        ),
    ),
    field_at(
        "vad_threshold",
        "Speech threshold",
        "Higher ignores more noise but needs louder speech; the line on the mic meter",
        "session.turn_detection.threshold",
        ed.Number(VAD_THRESHOLD_RANGE, step=0.05, decimals=2),
        relevant=_vad_on,
    ),
    field_at(
        "prefix_padding",
        "Prefix padding",
        "Audio kept from before speech was detected",
        "session.turn_detection.prefix_padding_ms",
        ed.Number(PREFIX_PADDING_MS_RANGE, step=50, suffix=" ms"),
        relevant=_vad_on,
    ),
    field_at(
        "silence_duration",
        "Silence to end a turn",
        "How long a pause ends your turn",
        "session.turn_detection.silence_duration_ms",
        ed.Number(SILENCE_DURATION_MS_RANGE, step=50, suffix=" ms"),
        relevant=_vad_on,
    ),
    field_at(
        "remove_filler_words",
        "Filler words",
        "Ignore 'um', 'uh' and the like while the assistant speaks, so they do not interrupt",
        "session.turn_detection.remove_filler_words",
        ed.Toggle("Remove filler words"),
        relevant=_semantic,
    ),
    field_at(
        "end_of_utterance",
        "End of utterance",
        "A semantic detector that waits through natural pauses before ending your turn",
        "session.turn_detection.end_of_utterance",
        ed.Choice(
            [
                ("Off", EndOfUtteranceModel.OFF),
                ("Semantic (English)", EndOfUtteranceModel.SEMANTIC),
                ("Semantic (multilingual)", EndOfUtteranceModel.SEMANTIC_MULTILINGUAL),
            ]
        ),
        relevant=_vad_on,
    ),
    field_at(
        "end_of_utterance_level",
        "Detection level",
        "How sure the detector must be that you finished a sentence; lower ends turns sooner",
        "session.turn_detection.end_of_utterance_level",
        ed.Choice(
            [
                ("Default (medium)", EndOfUtteranceLevel.DEFAULT),
                ("Low", EndOfUtteranceLevel.LOW),
                ("Medium", EndOfUtteranceLevel.MEDIUM),
                ("High", EndOfUtteranceLevel.HIGH),
            ]
        ),
        relevant=_end_of_utterance_on,
    ),
    field_at(
        "end_of_utterance_timeout",
        "Detection timeout",
        "The longest the detector waits for more speech",
        "session.turn_detection.end_of_utterance_timeout_ms",
        ed.Number(END_OF_UTTERANCE_TIMEOUT_MS_RANGE, step=100, suffix=" ms"),
        relevant=_end_of_utterance_on,
    ),
    field_at(
        "languages",
        "Languages",
        "Languages you speak, as codes such as en-US, es-ES; they sharpen filler-word removal",
        "session.turn_detection.languages",
        ed.WordList("e.g. en-US, es-ES"),
        relevant=_semantic,
    ),
)
