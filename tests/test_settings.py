"""Settings persistence: round trip, atomic writes, invalid values and corrupt files."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from voicelive_desktop.engine.session_settings import (
    AuthMethod,
    ConnectionSettings,
    EchoCancellationMode,
    SessionSettings,
    TurnDetectionMode,
    TurnDetectionSettings,
    VoiceSettings,
)
from voicelive_desktop.settings import (
    CONFIG_DIR_ENV,
    SETTINGS_VERSION,
    AppSettings,
    AudioSettings,
    PushToTalkMode,
    PushToTalkSettings,
    SettingsStore,
    Theme,
    UiSettings,
    default_config_dir,
)


def _custom_settings() -> AppSettings:
    return AppSettings(
        connection=ConnectionSettings(
            endpoint="https://example.cognitiveservices.azure.com",
            model="gpt-4o-mini-realtime",
            auth=AuthMethod.ENTRA_ID,
        ),
        session=SessionSettings(
            instructions="Speak like a pirate.",
            voice=VoiceSettings(name="my-voice", custom_endpoint_id="abc-123"),
            temperature=1.1,
            max_response_output_tokens=250,
            turn_detection=TurnDetectionSettings(
                mode=TurnDetectionMode.AZURE_SEMANTIC_VAD,
                threshold=0.3,
                prefix_padding_ms=200,
                silence_duration_ms=800,
            ),
            noise_suppression=False,
            echo_cancellation=EchoCancellationMode.OFF,
            input_transcription_model="",
        ),
        audio=AudioSettings(input_device="mic", output_device="speaker", half_duplex=True),
        push_to_talk=PushToTalkSettings(enabled=True, mode=PushToTalkMode.TOGGLE, key="F8"),
        ui=UiSettings(theme=Theme.DARK, show_timestamps=False, window_geometry="AAA="),
    )


def test_missing_file_gives_defaults_without_message(tmp_path: Path) -> None:
    loaded = SettingsStore(tmp_path).load()
    assert loaded.settings == AppSettings()
    assert loaded.message is None


def test_round_trip_keeps_every_value(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    settings = _custom_settings()
    store.save(settings)
    loaded = store.load()
    assert loaded.settings == settings
    assert loaded.message is None
    assert json.loads(store.path.read_text())["version"] == SETTINGS_VERSION


def test_save_leaves_no_temp_files(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "nested" / "dir")
    store.save(AppSettings())
    store.save(_custom_settings())
    assert [p.name for p in store.config_dir.iterdir()] == ["settings.json"]


@pytest.mark.allow_log_warnings(r"settings: settings: reset invalid values")
def test_invalid_values_fall_back_to_defaults_one_by_one(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.save(_custom_settings())
    data = json.loads(store.path.read_text())
    data["session"]["temperature"] = 7.5  # out of range
    data["session"]["turn_detection"]["mode"] = "telepathy"  # unknown enum value
    data["audio"]["half_duplex"] = "yes"  # wrong type
    data["ui"]["no_such_option"] = 1  # unknown keys are ignored silently
    data["session"]["voice"]["name"] = "still-valid"
    store.path.write_text(json.dumps(data))

    loaded = store.load()
    assert loaded.settings.session.temperature == SessionSettings().temperature
    assert loaded.settings.session.turn_detection.mode is TurnDetectionMode.SERVER_VAD
    assert loaded.settings.session.turn_detection.silence_duration_ms == 800
    assert loaded.settings.audio.half_duplex is False
    assert loaded.settings.session.voice.name == "still-valid"
    assert loaded.message is not None
    for name in ("session.temperature", "session.turn_detection.mode", "audio.half_duplex"):
        assert name in loaded.message


@pytest.mark.allow_log_warnings(r"settings: settings: .* is corrupt")
@pytest.mark.parametrize("content", ["{not json", "[1, 2, 3]", "", "\x00\x01"])
def test_corrupt_file_is_backed_up_and_replaced(tmp_path: Path, content: str) -> None:
    store = SettingsStore(tmp_path)
    store.path.write_text(content)
    loaded = store.load()
    assert loaded.settings == AppSettings()
    assert loaded.message is not None and "damaged" in loaded.message
    backups = list(tmp_path.glob("settings.json.corrupt-*"))
    assert len(backups) == 1
    assert backups[0].read_text() == content
    assert backups[0].name in loaded.message
    # The replacement on disk is valid and loads cleanly.
    assert store.load() == type(loaded)(AppSettings())


def test_config_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path / "cfg"))
    assert default_config_dir() == tmp_path / "cfg"
    assert SettingsStore().path == tmp_path / "cfg" / "settings.json"


def test_null_max_tokens_means_unlimited(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    settings = dataclasses.replace(
        AppSettings(), session=SessionSettings(max_response_output_tokens=None)
    )
    store.save(settings)
    assert store.load().settings.session.max_response_output_tokens is None
