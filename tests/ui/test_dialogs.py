"""Welcome and preferences dialogs: validation, what they return, the reconnect notice."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from voicelive_desktop.engine.session_settings import (
    AuthMethod,
    ConnectionSettings,
    TurnDetectionMode,
)
from voicelive_desktop.settings import AppSettings, PushToTalkMode, Theme
from voicelive_desktop.ui.form_fields import SYSTEM_DEFAULT_DEVICE
from voicelive_desktop.ui.preferences_dialog import PreferencesDialog
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
        input_devices=["mic"],
        output_devices=["speaker", "headset"],
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
    assert dialog.input_device.currentText() == SYSTEM_DEFAULT_DEVICE


def test_preferences_edits_reach_the_settings(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    dialog.voice.setCurrentText("coral")
    dialog.temperature.setValue(105)
    assert dialog.temperature_value.text() == "1.05"
    dialog.max_tokens.setValue(300)
    dialog.turn_mode.setCurrentIndex(
        dialog.turn_mode.findData(TurnDetectionMode.AZURE_SEMANTIC_VAD)
    )
    dialog.vad_threshold.setValue(0.65)
    dialog.prefix_padding.setValue(250)
    dialog.silence_duration.setValue(900)
    dialog.transcribe.setChecked(False)
    dialog.output_device.setCurrentIndex(dialog.output_device.findData("headset"))
    dialog.ptt_enabled.setChecked(True)
    dialog.ptt_mode.setCurrentIndex(dialog.ptt_mode.findData(PushToTalkMode.TOGGLE))
    dialog.theme.setCurrentIndex(dialog.theme.findData(Theme.DARK))
    result = dialog.current_settings()
    session = result.session
    assert session.voice.name == "coral"
    assert session.temperature == 1.05
    assert session.max_response_output_tokens == 300
    assert session.turn_detection.mode is TurnDetectionMode.AZURE_SEMANTIC_VAD
    assert session.turn_detection.threshold == 0.65
    assert session.turn_detection.prefix_padding_ms == 250
    assert session.turn_detection.silence_duration_ms == 900
    assert session.input_transcription_model == ""
    assert result.audio.output_device == "headset"
    assert result.push_to_talk.enabled and result.push_to_talk.mode is PushToTalkMode.TOGGLE
    assert result.ui.theme is Theme.DARK
    assert dialog.needs_reconnect()  # the speaker changed
    assert dialog.notice.isVisibleTo(dialog)


def test_transcription_ticked_with_an_emptied_model_keeps_transcribing(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    dialog.transcribe.setChecked(True)
    dialog.transcription_model.setCurrentText("  ")
    assert dialog.current_settings().session.input_transcription_model == "azure-speech"
    dialog.transcribe.setChecked(False)
    assert dialog.current_settings().session.input_transcription_model == ""


def test_vad_fields_are_disabled_without_turn_detection(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    dialog.turn_mode.setCurrentIndex(dialog.turn_mode.findData(TurnDetectionMode.NONE))
    assert not dialog.vad_threshold.isEnabled()
    assert not dialog.silence_duration.isEnabled()


def test_session_only_changes_do_not_ask_for_reconnect(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    applied: list[tuple[AppSettings, str]] = []
    dialog.applied.connect(lambda s, k: applied.append((s, k)))
    dialog.voice.setCurrentText("alloy")
    assert not dialog.needs_reconnect()
    dialog.endpoint.setText("https://b.example")
    assert dialog.needs_reconnect()
    assert dialog.notice.isVisibleTo(dialog)
    dialog.api_key.setText("new-key-123")
    dialog.apply()
    assert applied[-1][0].connection.endpoint == "https://b.example"
    assert applied[-1][1] == "new-key-123"
    assert "keyring" in dialog.api_key.placeholderText()
