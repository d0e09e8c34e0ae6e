"""Welcome and preferences dialogs: validation, what they return, the reconnect notice."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSlider
from pytestqt.qtbot import QtBot

from voicelive_desktop.engine.session_settings import (
    AuthMethod,
    ConnectionSettings,
    EndOfUtteranceModel,
    TurnDetectionMode,
)
from voicelive_desktop.settings import AppSettings, PushToTalkMode, Theme
from voicelive_desktop.ui.device_picker import SYSTEM_DEFAULT_DEVICE
from voicelive_desktop.ui.preferences_dialog import PreferencesDialog
from voicelive_desktop.ui.turn_taking_fields import PUSH_TO_TALK
from voicelive_desktop.ui.welcome_dialog import WelcomeChoice, WelcomeDialog


def test_welcome_refuses_to_connect_without_endpoint_or_key(qtbot: QtBot) -> None:
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "endpoint" in dialog.problem.text().lower()
    dialog.endpoint.setText("not a url")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert "must be a URL" in dialog.problem.text()
    dialog.endpoint.setText("https://res.cognitiveservices.azure.com")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert "API key" in dialog.problem.text()
    dialog.auth_entra.setChecked(True)  # Entra ID needs no key
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is WelcomeChoice.CONNECT
    assert dialog.auth is AuthMethod.ENTRA_ID
    assert not dialog.isVisible()


def test_welcome_demo_button(qtbot: QtBot) -> None:
    dialog = WelcomeDialog(keyring_problem="No system keyring is available.")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.keyring_note.isVisibleTo(dialog)
    assert not dialog.remember.isChecked()  # nothing to remember it in
    qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is WelcomeChoice.DEMO


def _dialog(qtbot: QtBot, settings: AppSettings | None = None) -> PreferencesDialog:
    dialog = PreferencesDialog(
        settings or AppSettings(connection=ConnectionSettings(endpoint="https://a.example")),
        key_stored=True,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_preferences_unchanged_round_trip(qtbot: QtBot) -> None:
    settings = AppSettings(connection=ConnectionSettings(endpoint="https://a.example"))
    dialog = _dialog(qtbot, settings)
    assert dialog.current_settings() == settings
    assert not dialog.needs_reconnect()
    assert dialog.editors["input_device"].focus.currentText() == SYSTEM_DEFAULT_DEVICE


def test_preferences_edits_reach_the_settings(qtbot: QtBot, named_devices: list[bool]) -> None:
    dialog = _dialog(qtbot)
    edit = dialog.editors
    edit["voice"].enter("coral")
    edit["temperature"].focus.setValue(105)  # the slider works in hundredths
    assert edit["temperature"].widget.findChild(QLabel).text() == "1.05"
    edit["max_tokens"].focus.setValue(300)
    edit["turn_mode"].enter(TurnDetectionMode.AZURE_SEMANTIC_VAD)
    edit["vad_threshold"].focus.setValue(0.65)
    edit["prefix_padding"].focus.setValue(250)
    edit["silence_duration"].focus.setValue(900)
    edit["remove_filler_words"].focus.setChecked(True)
    edit["transcription_model"].enter("")
    speaker = edit["output_device"].focus
    speaker.showPopup()  # the list is read when it opens
    speaker.setCurrentIndex(speaker.findData("headset"))
    speaker.hidePopup()
    edit["ptt_mode"].enter(PushToTalkMode.TOGGLE)
    edit["theme"].enter(Theme.DARK)
    result = dialog.current_settings()
    session = result.session
    assert session.voice.name == "coral"
    assert session.temperature == 1.05
    assert session.max_response_output_tokens == 300
    assert session.turn_detection.mode is TurnDetectionMode.AZURE_SEMANTIC_VAD
    assert session.turn_detection.threshold == 0.65
    assert session.turn_detection.prefix_padding_ms == 250
    assert session.turn_detection.silence_duration_ms == 900
    assert session.turn_detection.remove_filler_words
    assert session.input_transcription_model == ""
    assert result.audio.output_device == "headset"
    assert not result.push_to_talk.enabled
    assert result.push_to_talk.mode is PushToTalkMode.TOGGLE
    assert result.ui.theme is Theme.DARK
    # A new speaker is used at once, live: no reconnect needed for it.
    assert not dialog.needs_reconnect()
    assert not dialog.notice.isVisibleTo(dialog)


def test_push_to_talk_is_a_turn_taking_mode(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    dialog.editors["turn_mode"].enter(PUSH_TO_TALK)
    result = dialog.current_settings()
    assert result.push_to_talk.enabled
    # The VAD values stay for switching back to hands-free.
    assert result.session.turn_detection.mode is TurnDetectionMode.SERVER_VAD


def test_fields_that_do_not_apply_are_greyed_out(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    edit = dialog.editors
    assert not edit["remove_filler_words"].widget.isEnabled()  # server VAD has none
    edit["turn_mode"].enter(TurnDetectionMode.AZURE_SEMANTIC_VAD_MULTILINGUAL)
    assert edit["remove_filler_words"].widget.isEnabled()
    assert not edit["end_of_utterance_timeout"].widget.isEnabled()
    edit["end_of_utterance"].enter(EndOfUtteranceModel.SEMANTIC)
    assert edit["end_of_utterance_timeout"].widget.isEnabled()
    edit["turn_mode"].enter(PUSH_TO_TALK)
    assert not edit["vad_threshold"].widget.isEnabled()
    assert not edit["silence_duration"].widget.isEnabled()
    edit["voice"].enter("alloy")  # OpenAI voices have no rate or voice temperature
    assert not edit["speaking_rate"].widget.isEnabled()
    assert not edit["voice_temperature"].widget.isEnabled()
    edit["voice"].enter("en-US-Emma:DragonHDLatestNeural")
    assert edit["voice_temperature"].widget.isEnabled()


def test_the_temperature_slider_follows_the_model_and_the_voice_kind(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    edit = dialog.editors
    slider = edit["temperature"].focus
    assert isinstance(slider, QSlider)
    assert (slider.minimum(), slider.maximum()) == (60, 120)  # gpt-realtime: 0.6 to 1.2
    assert "0.6 to 1.2" in slider.toolTip() and "0.6 to 1.2" in slider.accessibleDescription()
    edit["temperature"].enter(1.15)
    edit["model"].enter("gpt-4.1")  # a cascaded model: no documented range of its own
    assert slider.maximum() == 100 and "0.6 to 1" in slider.toolTip()
    assert dialog.current_settings().session.temperature == 1.0  # moved in, not left out
    edit["model"].enter("gpt-realtime-mini")
    assert slider.maximum() == 120
    assert dialog.current_settings().session.temperature == 1.0  # widening moves nothing
    # The HD voices' own temperature (0 to 1) is there for HD voices only.
    voice_slider = edit["voice_temperature"].focus
    assert isinstance(voice_slider, QSlider)
    assert (voice_slider.minimum(), voice_slider.maximum()) == (0, 100)
    edit["voice"].enter("en-US-AvaNeural")
    assert not edit["voice_temperature"].widget.isEnabled()
    edit["voice"].enter("en-US-Ava:DragonHDLatestNeural")
    assert edit["voice_temperature"].widget.isEnabled()


def test_a_custom_voice_endpoint_lists_the_voice_as_custom(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    edit = dialog.editors
    picker = edit["voice"].focus
    assert picker.currentText() == "Ava · en-US · Azure HD"
    edit["custom_voice_id"].enter("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
    assert picker.currentText() == "Ava · en-US · Custom"
    assert dialog.current_settings().session.voice.name == "en-US-Ava:DragonHDLatestNeural"
    edit["custom_voice_id"].enter("")
    assert picker.currentText() == "Ava · en-US · Azure HD"


def test_session_only_changes_do_not_ask_for_reconnect(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    applied: list[tuple[AppSettings, str]] = []
    dialog.applied.connect(lambda s, k: applied.append((s, k)))
    dialog.editors["voice"].enter("alloy")
    assert not dialog.needs_reconnect()
    dialog.editors["endpoint"].enter("https://b.example")
    assert dialog.needs_reconnect()
    assert dialog.notice.isVisibleTo(dialog)
    dialog.api_key.setText("new-key-123")
    dialog.apply()
    assert applied[-1][0].connection.endpoint == "https://b.example"
    assert applied[-1][1] == "new-key-123"
    assert "keyring" in dialog.api_key.placeholderText()
