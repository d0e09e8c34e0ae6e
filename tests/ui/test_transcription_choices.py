"""Input transcription in the panel and Preferences offers only what the model takes, greys
out the phrase list where it does nothing (saying why), and keeps the user's phrase list."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.session_settings import ConnectionSettings
from voicelive_desktop.settings import AppSettings
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.field_editor import FieldEditor
from voicelive_desktop.ui.preferences_dialog import PreferencesDialog
from voicelive_desktop.ui.session_panel import ApplyStatus

PHRASES = ("Contoso", "Zoë")


def _settings(model: str, transcription: str = "azure-speech") -> AppSettings:
    settings = AppSettings(connection=ConnectionSettings(endpoint="https://a.example", model=model))
    session = dataclasses.replace(
        settings.session, input_transcription_model=transcription, phrase_list=PHRASES
    )
    return dataclasses.replace(settings, session=session)


def _offered(editor: FieldEditor) -> list[str]:
    combo = editor.focus
    assert isinstance(combo, QComboBox)
    return [combo.itemText(i) for i in range(combo.count())]


def _dialog(qtbot: QtBot, settings: AppSettings) -> PreferencesDialog:
    dialog = PreferencesDialog(settings, key_stored=True)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_panel_offers_the_models_choices_and_says_why_the_phrase_list_is_off(
    app_under_test: AppUnderTest,
) -> None:
    app = app_under_test
    panel = app.window.session_panel
    app.controller.apply_preferences(_settings("gpt-4.1"), "")
    editors = panel.editors
    assert _offered(editors["transcription_model"]) == ["Off", "azure-speech"]
    assert editors["phrase_list"].widget.isEnabled()
    assert "Not available" not in editors["phrase_list"].focus.toolTip()

    app.controller.apply_preferences(_settings("gpt-realtime"), "")
    assert _offered(editors["transcription_model"]) == [
        "Off",
        "whisper-1",
        "gpt-4o-transcribe",
        "gpt-4o-mini-transcribe",
    ]
    # The saved azure-speech is brought to what gpt-realtime takes; the phrase list is kept.
    assert editors["transcription_model"].value() == "whisper-1"
    phrases = editors["phrase_list"]
    assert not phrases.widget.isEnabled()
    assert phrases.value() == PHRASES
    reason = "Not available: Phrase lists do not work with gpt-realtime"
    assert reason in phrases.focus.toolTip()
    assert reason in phrases.focus.accessibleDescription()
    assert reason in panel.form.labels["phrase_list"].toolTip()
    assert panel.current_settings().session.phrase_list == PHRASES


def test_preferences_follow_a_model_change_and_keep_the_phrase_list(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, _settings("gpt-4.1"))
    edit = dialog.editors
    assert edit["transcription_model"].value() == "azure-speech"
    assert edit["phrase_list"].widget.isEnabled()

    edit["model"].enter("phi4-mm-realtime")
    assert _offered(edit["transcription_model"]) == ["Off", "azure-speech"]
    assert not edit["phrase_list"].widget.isEnabled()
    assert "phi4-mm-realtime" in edit["phrase_list"].focus.accessibleDescription()

    edit["model"].enter("gpt-realtime-mini")
    assert edit["transcription_model"].value() == "whisper-1"
    edit["transcription_model"].enter("gpt-4o-transcribe")
    session = dialog.current_settings().session
    assert (session.input_transcription_model, session.phrase_list) == (
        "gpt-4o-transcribe",
        PHRASES,
    )

    edit["model"].enter("gpt-4o")  # back to a text model: the phrase list applies again
    assert edit["transcription_model"].value() == "azure-speech"
    assert edit["phrase_list"].widget.isEnabled()
    assert "Not available" not in edit["phrase_list"].focus.toolTip()


def test_turning_transcription_off_greys_the_phrase_list_with_a_reason(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, _settings("gpt-4.1"))
    dialog.editors["transcription_model"].enter("")
    phrases = dialog.editors["phrase_list"]
    assert not phrases.widget.isEnabled()
    assert "need azure-speech" in phrases.focus.toolTip()


@pytest.mark.asyncio
async def test_phrase_list_applies_live_with_a_text_model(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    app.controller.apply_preferences(_settings("gpt-4.1"), "")
    await app.connect_to(simulator)
    panel = app.window.session_panel
    panel.editors["phrase_list"].enter(("Kubernetes", "Zoë"))
    panel.flush_edits()
    await wait_until(lambda: panel.status is ApplyStatus.APPLIED, what="the phrase list applied")
    session = simulator.sent_of("session.updated")[-1]["session"]
    assert session["model"] == "gpt-4.1"
    assert session["input_audio_transcription"] == {
        "model": "azure-speech",
        "phrase_list": ["Kubernetes", "Zoë"],
    }
    await app.controller.shutdown()
    assert app.store.load().settings.session.phrase_list == ("Kubernetes", "Zoë")


def test_preferences_follow_a_switch_to_a_foundry_agent(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, _settings("gpt-realtime", "gpt-4o-transcribe"))
    edit = dialog.editors
    assert not edit["phrase_list"].widget.isEnabled()
    dialog.agent_box.agent_choice.setChecked(True)  # agents take azure-speech, phrase lists
    assert _offered(edit["transcription_model"]) == ["Off", "azure-speech"]
    assert edit["transcription_model"].value() == "azure-speech"
    assert edit["phrase_list"].widget.isEnabled()
    assert not edit["instructions"].widget.isEnabled()  # still the agent's own
    assert dialog.current_settings().session.phrase_list == PHRASES
