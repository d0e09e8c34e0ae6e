"""Persistent, typed, versioned app settings: a JSON file in the platform config dir."""

from __future__ import annotations

import dataclasses
import enum
import json
import logging
import os
import types
import typing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import platformdirs

from voicelive_desktop.app_dirs import app_directory
from voicelive_desktop.atomic_file import write_text_atomically
from voicelive_desktop.engine import session_config
from voicelive_desktop.engine.model_temperature import REALTIME_TEMPERATURE_RANGE
from voicelive_desktop.engine.session_settings import (
    ConnectionSettings,
    EchoCancellationMode,
    SessionSettings,
    TurnDetectionSettings,
    VoiceSettings,
)
from voicelive_desktop.recording.formats import AudioContainer, RecordingFormat, TrackLayout
from voicelive_desktop.settings_migrations import SettingsFromNewerVersion, migrate
from voicelive_desktop.tools.registry import ToolPolicy

log = logging.getLogger(__name__)

SETTINGS_VERSION = 3
SETTINGS_FILE_NAME = "settings.json"
CONFIG_DIR_ENV = "VOICELIVE_DESKTOP_CONFIG_DIR"

# Allowed ranges shared by validation on load and by the preferences dialog's editors.
# The widest any model takes; the model's own range applies when a session opens.
TEMPERATURE_RANGE = REALTIME_TEMPERATURE_RANGE
MAX_RESPONSE_TOKENS_RANGE = (1, 4096)
VAD_THRESHOLD_RANGE = (0.0, 1.0)
PREFIX_PADDING_MS_RANGE = (0, 2000)
SILENCE_DURATION_MS_RANGE = (100, 3000)
END_OF_UTTERANCE_TIMEOUT_MS_RANGE = (100, 5000)
VOICE_TEMPERATURE_RANGE = session_config.VOICE_TEMPERATURE_RANGE
SPEAKING_RATE_RANGE = session_config.SPEAKING_RATE_RANGE
SESSION_PANEL_WIDTH_RANGE = (220, 900)


# A fresh install pairs the mic with what this computer plays: the best echo cancellation
# where the endpoint takes it (VoiceSession falls back to the local canceller where not).
APP_SESSION_DEFAULTS = SessionSettings(
    echo_cancellation=EchoCancellationMode.SERVICE_WITH_CLIENT_REFERENCE
)


class PushToTalkMode(str, enum.Enum):
    """Hold the key while speaking, or press once to start and once to stop."""

    HOLD = "hold"
    TOGGLE = "toggle"


class Theme(str, enum.Enum):
    """Light, dark or high-contrast colours; SYSTEM follows the OS (high contrast included)."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"
    HIGH_CONTRAST = "high_contrast"


@dataclass(frozen=True)
class AudioSettings:
    """Which devices to use ("" is the system default), whether to mute the mic while the
    assistant speaks (half-duplex, for speakers without echo cancellation), and how
    conversations are recorded."""

    input_device: str = ""
    output_device: str = ""
    half_duplex: bool = False
    recording_container: AudioContainer = AudioContainer.WAV
    recording_layout: TrackLayout = TrackLayout.STEREO

    @property
    def recording_format(self) -> RecordingFormat:
        return RecordingFormat(self.recording_container, self.recording_layout)


@dataclass(frozen=True)
class PushToTalkSettings:
    """Push-to-talk: off (hands-free VAD) or on with an in-app key and a global hotkey."""

    enabled: bool = False
    mode: PushToTalkMode = PushToTalkMode.HOLD
    key: str = "Space"  # QKeySequence text, active while the window has focus
    global_hotkey: str = "<ctrl>+<alt>+<space>"  # pynput HotKey syntax
    earcons: bool = True  # short tones when the mic opens and closes


@dataclass(frozen=True)
class UiSettings:
    """Look and window state."""

    theme: Theme = Theme.SYSTEM
    show_timestamps: bool = True
    window_geometry: str = ""  # base64 of QWidget.saveGeometry()
    session_panel_open: bool = True  # the session panel beside the conversation
    session_panel_width: int = 330


@dataclass(frozen=True)
class ToolSettings:
    """The policy the user chose for each tool, by name; a tool not named keeps its default
    (names of tools not registered yet, like an MCP server's, are kept for when they are)."""

    policies: dict[str, ToolPolicy] = field(default_factory=dict)


@dataclass(frozen=True)
class AppSettings:
    """Everything the app remembers between runs (never a secret: the API key is in keyring)."""

    version: int = SETTINGS_VERSION
    connection: ConnectionSettings = field(default_factory=ConnectionSettings)
    session: SessionSettings = field(default_factory=lambda: APP_SESSION_DEFAULTS)
    audio: AudioSettings = field(default_factory=AudioSettings)
    push_to_talk: PushToTalkSettings = field(default_factory=PushToTalkSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    tools: ToolSettings = field(default_factory=ToolSettings)


_RANGES: dict[tuple[type, str], tuple[float, float]] = {
    (SessionSettings, "temperature"): TEMPERATURE_RANGE,
    (SessionSettings, "max_response_output_tokens"): MAX_RESPONSE_TOKENS_RANGE,
    (TurnDetectionSettings, "threshold"): VAD_THRESHOLD_RANGE,
    (TurnDetectionSettings, "prefix_padding_ms"): PREFIX_PADDING_MS_RANGE,
    (TurnDetectionSettings, "silence_duration_ms"): SILENCE_DURATION_MS_RANGE,
    (TurnDetectionSettings, "end_of_utterance_timeout_ms"): END_OF_UTTERANCE_TIMEOUT_MS_RANGE,
    (VoiceSettings, "temperature"): VOICE_TEMPERATURE_RANGE,
    (VoiceSettings, "rate"): SPEAKING_RATE_RANGE,
    (UiSettings, "session_panel_width"): SESSION_PANEL_WIDTH_RANGE,
}


@dataclass(frozen=True)
class LoadedSettings:
    """What `SettingsStore.load` found: the settings and, if something was off, one message
    for the UI to show (a corrupt file that was backed up, or values reset to defaults)."""

    settings: AppSettings
    message: str | None = None


def default_config_dir() -> Path:
    """The config dir: `$VOICELIVE_DESKTOP_CONFIG_DIR` if set, else the platform's."""
    return app_directory(CONFIG_DIR_ENV, platformdirs.user_config_dir)


class SettingsStore:
    """Reads and atomically writes `settings.json` in one config directory."""

    def __init__(self, config_dir: Path | None = None) -> None:
        self.config_dir = config_dir if config_dir is not None else default_config_dir()
        self.path = self.config_dir / SETTINGS_FILE_NAME

    def load(self) -> LoadedSettings:
        """Settings from disk; a missing file gives defaults, a corrupt one is backed up."""
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return LoadedSettings(AppSettings())
        except OSError as exc:
            return LoadedSettings(
                AppSettings(), f"Could not read {self.path} ({exc.strerror}); using defaults."
            )
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise ValueError("the top level is not a JSON object")
        except ValueError as exc:
            return self._replace_corrupt(str(exc))
        newer_message: str | None = None
        try:
            data, _ = migrate(data, SETTINGS_VERSION)
        except SettingsFromNewerVersion as exc:
            # Load what this version understands, but never overwrite the newer file's keys
            # unannounced: the user is told, and the next save writes this version's shape.
            log.warning("settings: %s", exc)
            newer_message = (
                f"The settings were saved by a newer version of the app ({exc}); settings "
                "this version does not know were left out."
            )
        reset: list[str] = []
        settings = _from_json(AppSettings, data, "", reset)
        settings = dataclasses.replace(settings, version=SETTINGS_VERSION)
        if not reset:
            return LoadedSettings(settings, newer_message)
        log.warning("settings: reset invalid values to defaults: %s", ", ".join(reset))
        return LoadedSettings(
            settings,
            "Some settings were invalid and were reset to their defaults: "
            + ", ".join(reset)
            + ".",
        )

    def save(self, settings: AppSettings) -> None:
        """Write atomically: a crash leaves either the old file or the new one, never half."""
        self.config_dir.mkdir(parents=True, exist_ok=True)
        text = json.dumps(_to_json(settings), indent=2, sort_keys=False) + "\n"
        write_text_atomically(self.path, text)

    def _replace_corrupt(self, reason: str) -> LoadedSettings:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        backup = self.path.with_name(f"{SETTINGS_FILE_NAME}.corrupt-{stamp}")
        os.replace(self.path, backup)
        defaults = AppSettings()
        self.save(defaults)
        log.warning("settings: %s is corrupt (%s); backed up to %s", self.path, reason, backup)
        return LoadedSettings(
            defaults,
            f"The settings file was damaged ({reason}). It was saved as {backup.name} "
            "and the defaults are in use.",
        )


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    return value


_T = typing.TypeVar("_T")


def _from_json(cls: type[_T], data: dict[str, Any], prefix: str, reset: list[str]) -> _T:
    """Build dataclass `cls` from `data`, keeping defaults for missing, unknown-typed or
    out-of-range values and naming each one reset in `reset`."""
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name not in data:
            continue
        name = f"{prefix}{f.name}"
        converted = _convert(hints[f.name], data[f.name], f"{name}.", reset)
        if converted is _INVALID or not _in_range(cls, f.name, converted):
            reset.append(name)
            continue
        values[f.name] = converted
    base = _APP_DEFAULTS.get(cls)
    return typing.cast(_T, dataclasses.replace(base, **values)) if base else cls(**values)


# Where the app's default differs from the dataclass's own (a key missing from the file).
_APP_DEFAULTS: dict[type, Any] = {SessionSettings: APP_SESSION_DEFAULTS}


_INVALID = object()


def _convert(hint: Any, value: Any, prefix: str, reset: list[str]) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return _convert_union(typing.get_args(hint), value, prefix, reset)
    if origin is dict:
        return _convert_mapping(typing.get_args(hint)[1], value, prefix, reset)
    if origin is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return _INVALID
        return tuple(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _from_json(hint, value, prefix, reset) if isinstance(value, dict) else _INVALID
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(value)
        except ValueError:
            return _INVALID
    return _convert_scalar(hint, value)


def _convert_union(options: tuple[Any, ...], value: Any, prefix: str, reset: list[str]) -> Any:
    if value is None and type(None) in options:
        return None
    for option in options:
        if option is type(None):
            continue
        converted = _convert(option, value, prefix, reset)
        if converted is not _INVALID:
            return converted
    return _INVALID


def _convert_scalar(hint: Any, value: Any) -> Any:
    # JSON's true/false must not pass for numbers, though Python's bool is an int.
    if isinstance(value, bool):
        return value if hint is bool else _INVALID
    if hint is int:
        return value if isinstance(value, int) else _INVALID
    if hint is float:
        return float(value) if isinstance(value, (int, float)) else _INVALID
    if hint is str:
        return value if isinstance(value, str) else _INVALID
    return _INVALID


def _convert_mapping(value_hint: Any, value: Any, prefix: str, reset: list[str]) -> Any:
    """A JSON object with string keys; an entry whose value is invalid is dropped (and named),
    the others are kept."""
    if not isinstance(value, dict):
        return _INVALID
    converted: dict[str, Any] = {}
    for key, item in value.items():
        entry = _convert(value_hint, item, f"{prefix}{key}.", reset)
        if entry is _INVALID:
            reset.append(f"{prefix}{key}")
        else:
            converted[str(key)] = entry
    return converted


def _in_range(cls: type, name: str, value: Any) -> bool:
    bounds = _RANGES.get((cls, name))
    if bounds is None or value is None:
        return True
    low, high = bounds
    return bool(low <= value <= high)
