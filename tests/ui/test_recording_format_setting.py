"""The recording format is one described setting: Preferences edits it, recordings follow it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from voicelive_desktop.engine.session_settings import ConnectionSettings
from voicelive_desktop.recording import AudioContainer, RecordingFormat, TrackLayout
from voicelive_desktop.settings import AppSettings, AudioSettings, SettingsStore
from voicelive_desktop.ui.preferences_dialog import TAB_FIELDS, PreferencesDialog


def test_preferences_choose_flac_and_two_tracks(qtbot: QtBot) -> None:
    settings = AppSettings(connection=ConnectionSettings(endpoint="https://a.example"))
    assert settings.audio.recording_format == RecordingFormat()  # stereo WAV by default
    dialog = PreferencesDialog(settings, key_stored=True)
    qtbot.addWidget(dialog)
    assert {"recording_container", "recording_layout"} <= set(TAB_FIELDS["audio"])
    container, layout = dialog.editors["recording_container"], dialog.editors["recording_layout"]
    assert container.focus.accessibleName() == "Recording format"
    assert "lossless" in container.focus.accessibleDescription()
    assert "microphone left" in layout.focus.toolTip()
    container.enter(AudioContainer.FLAC)
    layout.enter(TrackLayout.TWO_TRACK)
    chosen = dialog.current_settings().audio.recording_format
    assert chosen == RecordingFormat(AudioContainer.FLAC, TrackLayout.TWO_TRACK)
    assert not dialog.needs_reconnect()  # the next recording takes it; no new session


@pytest.mark.allow_log_warnings("audio.recording_container")
def test_the_format_is_saved_and_an_unknown_one_falls_back(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    audio = AudioSettings(
        recording_container=AudioContainer.FLAC, recording_layout=TrackLayout.TWO_TRACK
    )
    store.save(AppSettings(audio=audio))
    assert store.load().settings.audio == audio
    raw = json.loads(store.path.read_text(encoding="utf-8"))
    assert raw["audio"]["recording_container"] == "flac"
    raw["audio"]["recording_container"] = "mp3"  # not a format we write
    store.path.write_text(json.dumps(raw), encoding="utf-8")
    loaded_settings = store.load()
    assert "audio.recording_container" in (loaded_settings.message or "")
    loaded = loaded_settings.settings.audio
    assert loaded.recording_format == RecordingFormat(AudioContainer.WAV, TrackLayout.TWO_TRACK)
