"""One description of every editable setting, shared by Preferences and the session panel.

Each `SettingField` (ui.setting_description) says what a setting is called and means, how to
read it from and write it into `AppSettings`, which editor edits it, when it takes effect and
when it applies at all. Preferences and the session panel build their widgets from this list,
so the widget<->settings mapping exists once. A feature adds a setting by adding a field here
(or to its group's module, such as ui.turn_taking_fields) and naming it in a section of
PANEL_SECTIONS (and in a Preferences tab).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from voicelive_desktop.engine.model_temperature import temperature_range
from voicelive_desktop.engine.model_transcription import (
    OPENAI_TRANSCRIPTION_MODELS,
    TRANSCRIPTION_OFF,
    phrase_list_unavailable,
    transcription_models,
    valid_transcription_model,
)
from voicelive_desktop.engine.session_settings import (
    ConnectionProfile,
    EchoCancellationMode,
)
from voicelive_desktop.engine.voices import voice_kind
from voicelive_desktop.recording.formats import AudioContainer, TrackLayout
from voicelive_desktop.settings import (
    MAX_RESPONSE_TOKENS_RANGE,
    SPEAKING_RATE_RANGE,
    TEMPERATURE_RANGE,
    VOICE_TEMPERATURE_RANGE,
    AppSettings,
    PushToTalkMode,
    Theme,
)
from voicelive_desktop.ui import setting_editors as ed
from voicelive_desktop.ui.device_picker import INPUT, OUTPUT, DeviceChoice
from voicelive_desktop.ui.field_editor import Bounds
from voicelive_desktop.ui.preference_choices import (
    INSTRUCTION_PRESETS,
    MODELS,
    TRANSCRIPTION_LANGUAGES,
)
from voicelive_desktop.ui.setting_description import Applies, SettingField, field_at
from voicelive_desktop.ui.turn_taking_fields import TURN_TAKING_FIELDS


def _voice_kind(settings: AppSettings) -> Any:
    return voice_kind(settings.session.voice.name, settings.session.voice.custom_endpoint_id)


def temperature_bounds(settings: AppSettings) -> Bounds:
    """The session temperature range of the chosen model (engine.model_temperature cites the
    references): wider for OpenAI realtime models than for the others."""
    return temperature_range(settings.connection)


def _transcription_model(settings: AppSettings) -> str:
    """The saved transcription model, or the one the model takes instead (the engine sends
    the same: engine.model_transcription cites the pairing)."""
    saved = settings.session.input_transcription_model
    return valid_transcription_model(saved, settings.connection)


def _write_transcription_model(settings: AppSettings, model: str) -> AppSettings:
    session = dataclasses.replace(settings.session, input_transcription_model=model)
    return dataclasses.replace(settings, session=session)


def _phrase_list_unavailable(settings: AppSettings) -> str:
    return phrase_list_unavailable(settings.connection, settings.session.input_transcription_model)


FIELDS: tuple[SettingField, ...] = (
    # ---- connection (takes a new session) ----
    field_at(
        "endpoint",
        "Endpoint",
        "The Voice Live endpoint of your Azure AI Foundry resource",
        "connection.endpoint",
        ed.Text("https://<resource>.cognitiveservices.azure.com"),
        applies=Applies.RECONNECT,
    ),
    field_at(
        "model",
        "Model or deployment",
        "The model the session runs; it is fixed once connected",
        "connection.model",
        ed.SuggestedText(MODELS, fallback=MODELS[0]),
        applies=Applies.RECONNECT,
    ),
    # ---- voice ----
    field_at(
        "voice",
        "Voice",
        "The assistant's voice; type to search by name, locale or kind",
        "session.voice.name",
        ed.Voice(),
        # An endpoint ID makes the name an Azure custom voice: the picker lists it so.
        context=lambda s: s.session.voice.custom_endpoint_id,
    ),
    field_at(
        "custom_voice_id",
        "Custom voice ID",
        "Only for an Azure custom voice: the deployment's endpoint ID",
        "session.voice.custom_endpoint_id",
        ed.Text("custom voices only"),
    ),
    field_at(
        "voice_temperature",
        "Voice variation",
        "The HD voice's own temperature: higher varies intonation more (0 to 1)",
        "session.voice.temperature",
        ed.Slider(VOICE_TEMPERATURE_RANGE),
        relevant=lambda s: bool(_voice_kind(s).has_voice_temperature),
    ),
    field_at(
        "speaking_rate",
        "Speaking rate",
        "How fast an Azure voice speaks (0.5 to 1.5 times)",
        "session.voice.rate",
        ed.Slider(SPEAKING_RATE_RANGE),
        relevant=lambda s: bool(_voice_kind(s).has_speaking_rate),
    ),
    # ---- conversation ----
    field_at(
        "temperature",
        "Temperature",
        "How varied the model's answers are; the range is what the model accepts",
        "session.temperature",
        ed.Slider(TEMPERATURE_RANGE),
        bounds=temperature_bounds,
    ),
    SettingField(
        "max_tokens",
        "Max response tokens",
        "The longest answer the model may give",
        lambda s: s.session.max_response_output_tokens or 0,
        lambda s, v: dataclasses.replace(
            s, session=dataclasses.replace(s.session, max_response_output_tokens=v or None)
        ),
        ed.Number((0, MAX_RESPONSE_TOKENS_RANGE[1]), step=50, special="Unlimited"),
    ),
    field_at(
        "instructions",
        "Instructions",
        "How the assistant should behave (the system prompt)",
        "session.instructions",
        ed.LongText("How the assistant should behave (system prompt)", INSTRUCTION_PRESETS),
        # A Foundry agent brings its own instructions (ui.agent_profile says so beside it).
        relevant=lambda s: s.connection.profile is not ConnectionProfile.FOUNDRY_AGENT,
    ),
    field_at(
        "greet_on_connect",
        "Greeting",
        "When a session opens, the assistant speaks first",
        "session.greet_on_connect",
        ed.Toggle("The assistant greets me when I connect"),
        applies=Applies.RECONNECT,
    ),
    # ---- turn-taking ----
    *TURN_TAKING_FIELDS,
    # ---- audio ----
    # A device change moves the open session's stream at once, without reconnecting.
    field_at(
        "input_device",
        "Microphone",
        "The microphone the assistant hears you through; System default follows the "
        "system's choice",
        "audio.input_device",
        DeviceChoice(INPUT),
    ),
    field_at(
        "output_device",
        "Speaker",
        "Where the assistant's voice plays; System default follows the system's choice",
        "audio.output_device",
        DeviceChoice(OUTPUT),
    ),
    field_at(
        "noise_suppression",
        "Noise suppression",
        "The service removes background noise from your microphone",
        "session.noise_suppression",
        ed.Toggle("Noise suppression (server side)"),
    ),
    field_at(
        "echo_cancellation",
        "Echo cancellation",
        "Removes the assistant's own voice that your microphone picks up from the speakers, "
        "so it does not interrupt itself. With this computer's playback as the reference the "
        "service knows exactly what was playing; on this computer works with any endpoint",
        "session.echo_cancellation",
        ed.Choice(
            [
                ("Service, with playback", EchoCancellationMode.SERVICE_WITH_CLIENT_REFERENCE),
                ("Service only", EchoCancellationMode.SERVICE),
                ("On this computer", EchoCancellationMode.THIS_COMPUTER),
                ("Off (headphones)", EchoCancellationMode.OFF),
            ],
            option_tips={
                "Service, with playback": "By the service, with this computer's playback as "
                "the reference: it knows exactly what was playing (the default)",
                "Service only": "By the service, from its own output; it does not know when "
                "this computer played it",
                "On this computer": "WebRTC's echo canceller cleans the mic here before it is "
                "sent; works with any endpoint",
                "Off (headphones)": "Nothing is cancelled: for headphones",
            },
        ),
        # Mono or stereo input is fixed when the session opens.
        applies=Applies.RECONNECT,
    ),
    field_at(
        "half_duplex",
        "Half-duplex",
        "Last resort when echo still interrupts: mute the mic while the assistant speaks "
        "(you can then not interrupt it by voice)",
        "audio.half_duplex",
        ed.Toggle("Half-duplex: mute the mic while the assistant speaks"),
        applies=Applies.APP,
    ),
    # ---- recording (the next recording takes it) ----
    field_at(
        "recording_container",
        "Recording format",
        "WAV is uncompressed; FLAC is lossless and about half the size",
        "audio.recording_container",
        ed.Choice([("WAV", AudioContainer.WAV), ("FLAC", AudioContainer.FLAC)]),
        applies=Applies.APP,
    ),
    field_at(
        "recording_layout",
        "Recording tracks",
        "Stereo: one file, your microphone left and the assistant right. Two tracks: a file "
        "for each",
        "audio.recording_layout",
        ed.Choice(
            [
                ("Stereo (one file)", TrackLayout.STEREO),
                ("Two tracks (two files)", TrackLayout.TWO_TRACK),
            ]
        ),
        applies=Applies.APP,
    ),
    # ---- input transcription ----
    SettingField(
        "transcription_model",
        "Input transcription",
        "Show what you say as text, transcribed by this model; the choices are those the "
        "model takes",
        _transcription_model,
        _write_transcription_model,
        ed.Choice(
            [
                ("Off", TRANSCRIPTION_OFF),
                ("azure-speech", "azure-speech"),
                *((m, m) for m in OPENAI_TRANSCRIPTION_MODELS),
            ]
        ),
        options=lambda s: (TRANSCRIPTION_OFF, *transcription_models(s.connection)),
    ),
    field_at(
        "transcription_language",
        "Transcription language",
        "The language you speak, e.g. en-US; blank lets the service detect it",
        "session.input_transcription_language",
        ed.SuggestedText(TRANSCRIPTION_LANGUAGES),
        relevant=lambda s: bool(s.session.input_transcription_model),
    ),
    field_at(
        "phrase_list",
        "Phrase list",
        "Names and words to recognise, separated by commas (azure-speech with a text model "
        "or an agent)",
        "session.phrase_list",
        ed.WordList("e.g. Contoso, Zoë, Kubernetes"),
        # Kept while it does not apply, for when the user goes back to a model it works with.
        relevant=lambda s: not _phrase_list_unavailable(s),
        unavailable=_phrase_list_unavailable,
    ),
    # ---- push-to-talk and look (the app) ----
    field_at(
        "ptt_mode",
        "Push-to-talk mode",
        "Hold the key while speaking, or press twice",
        "push_to_talk.mode",
        ed.Choice(
            [
                ("Hold the key while speaking", PushToTalkMode.HOLD),
                ("Press to start, press again to stop", PushToTalkMode.TOGGLE),
            ]
        ),
        applies=Applies.APP,
    ),
    field_at(
        "ptt_key",
        "Key in the window",
        "The push-to-talk key while the window has focus",
        "push_to_talk.key",
        ed.KeyChoice(fallback="Space"),
        applies=Applies.APP,
    ),
    field_at(
        "global_hotkey",
        "Global hotkey",
        "Works while another app has focus (X11, Windows, macOS)",
        "push_to_talk.global_hotkey",
        ed.Text("<ctrl>+<alt>+<space>"),
        applies=Applies.APP,
    ),
    field_at(
        "earcons",
        "Earcons",
        "A short tone when the mic opens and closes",
        "push_to_talk.earcons",
        ed.Toggle("Play a short tone when the mic opens and closes"),
        applies=Applies.APP,
    ),
    field_at(
        "theme",
        "Colours",
        "Light, dark, or the system's colours (including high contrast)",
        "ui.theme",
        ed.Choice(
            [
                ("Follow the system", Theme.SYSTEM),
                ("Light", Theme.LIGHT),
                ("Dark", Theme.DARK),
                ("High contrast", Theme.HIGH_CONTRAST),
            ]
        ),
        applies=Applies.APP,
    ),
    field_at(
        "show_timestamps",
        "Timestamps",
        "Show the time of each turn in the transcript",
        "ui.show_timestamps",
        ed.Toggle("Show times in the transcript"),
        applies=Applies.APP,
    ),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}

# The session panel's sections, in order. A feature adds its setting to a section by key.
PANEL_SECTIONS: dict[str, list[str]] = {
    "Voice": ["voice", "custom_voice_id", "voice_temperature"],
    "Temperature": ["temperature"],
    "Turn-taking": [
        "turn_mode",
        "vad_threshold",
        "prefix_padding",
        "silence_duration",
        "remove_filler_words",
        "end_of_utterance",
        "end_of_utterance_level",
        "end_of_utterance_timeout",
        "languages",
    ],
    "Voice output and audio": [
        "input_device",
        "output_device",
        "speaking_rate",
        "noise_suppression",
        "echo_cancellation",
    ],
    "Input transcription": ["transcription_model", "transcription_language", "phrase_list"],
    "Instructions": ["instructions", "greet_on_connect"],
}
