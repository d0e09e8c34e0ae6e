"""The checks behind `--diagnose`, one report line each: versions, audio, echo, keyring,
paths and crashes. Each reads only; none changes a file or shows a secret."""

from __future__ import annotations

import enum
import importlib.metadata
import json
import platform
import sqlite3
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from voicelive_desktop import APP_NAME, __version__
from voicelive_desktop.crash_capture import CRASH_LOG_NAME
from voicelive_desktop.endpoint_probe import SDK_API_VERSION
from voicelive_desktop.history.store import default_history_path
from voicelive_desktop.logging_setup import log_directory, log_file_path, redact
from voicelive_desktop.protocol import DEFAULT_MODEL

KEYRING_TIMEOUT_S = 5.0
_T = TypeVar("_T")


class Status(str, enum.Enum):
    """How one check came out; only FAILED makes `--diagnose` exit non-zero."""

    OK = "OK"
    WARNING = "WARN"
    FAILED = "FAIL"


@dataclass(frozen=True)
class Check:
    """One line of the report with its supporting details."""

    name: str
    status: Status
    summary: str
    details: tuple[str, ...] = ()


# -- versions -----------------------------------------------------------------------------

# (distribution names to try, shown name, needed for the app to run)
_DISTRIBUTIONS: tuple[tuple[tuple[str, ...], str, bool], ...] = (
    (("PySide6-Essentials", "PySide6"), "Qt for Python (PySide6)", True),
    (("qasync",), "qasync", True),
    (("azure-ai-voicelive",), "Azure AI Voice Live SDK", True),
    (("azure-core",), "azure-core", True),
    (("aiohttp",), "aiohttp", True),
    (("azure-identity",), "azure-identity", False),
    (("sounddevice",), "sounddevice", True),
    (("numpy",), "numpy", True),
    (("soxr",), "soxr", True),
    (("soundfile",), "soundfile (libsndfile, recordings)", True),
    (("keyring",), "keyring", True),
    (("platformdirs",), "platformdirs", True),
    (("pynput",), "pynput", False),
)


def _installed_version(names: Sequence[str]) -> str | None:
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def check_versions() -> Check:
    """App, Python and library versions, read from package metadata (nothing is imported)."""
    details = [
        f"{APP_NAME} {__version__}",
        f"Python {platform.python_version()} ({sys.executable})",
        f"Platform {platform.platform()}",
    ]
    missing: list[str] = []
    for names, shown, required in _DISTRIBUTIONS:
        version = _installed_version(names)
        details.append(f"{shown} {version or 'NOT INSTALLED'}")
        if version is None and required:
            missing.append(names[0])
    if missing:
        return Check(
            "Versions",
            Status.FAILED,
            f"missing packages: {', '.join(missing)} (reinstall the app)",
            tuple(details),
        )
    return Check("Versions", Status.OK, f"{APP_NAME} {__version__}", tuple(details))


# -- audio --------------------------------------------------------------------------------


def check_audio() -> Check:
    """PortAudio, every audio device with its default sample rate, and the defaults."""
    try:
        import sounddevice as sd
    except OSError as error:  # sounddevice raises OSError when libportaudio is missing
        return Check(
            "Audio",
            Status.FAILED,
            f"PortAudio library not found ({error}); on Debian/Ubuntu: apt install libportaudio2",
        )
    try:
        devices: list[dict[str, Any]] = [dict(device) for device in sd.query_devices()]
        host_apis = [dict(api)["name"] for api in sd.query_hostapis()]
        default_in, default_out = (int(index) for index in sd.default.device)
    except sd.PortAudioError as error:
        return Check("Audio", Status.FAILED, f"PortAudio cannot list devices ({error})")
    details = [f"{sd.get_portaudio_version()[1]}; host APIs: {', '.join(host_apis) or 'none'}"]
    for device in devices:
        index = device["index"]
        marks = ("default input " if index == default_in else "") + (
            "default output" if index == default_out else ""
        )
        details.append(
            f"#{index} {device['name']!r} in={device['max_input_channels']}"
            f" out={device['max_output_channels']}"
            f" rate={device['default_samplerate']:.0f} Hz {marks}".rstrip()
        )
    inputs = sum(1 for device in devices if device["max_input_channels"] > 0)
    outputs = sum(1 for device in devices if device["max_output_channels"] > 0)
    summary = f"{inputs} input and {outputs} output device(s)"
    if not devices:
        return Check(
            "Audio",
            Status.FAILED,
            "no audio devices found; is a sound server (PulseAudio or PipeWire) running?",
            tuple(details),
        )
    if inputs == 0 or outputs == 0:
        absent = "microphone" if inputs == 0 else "speaker"
        return Check("Audio", Status.FAILED, f"{summary}: no {absent} found", tuple(details))
    if default_in < 0 or default_out < 0:
        return Check("Audio", Status.WARNING, f"{summary}, but no system default", tuple(details))
    return Check("Audio", Status.OK, summary, tuple(details))


# -- keyring ------------------------------------------------------------------------------


def _call_with_timeout(function: Callable[[], _T], timeout_s: float) -> _T:
    """Run `function` in a daemon thread: a keyring waiting on an unseen unlock prompt must not
    hang the report (nor block interpreter exit)."""
    outcome: list[_T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(function())
        except BaseException as error:
            failure.append(error)

    worker = threading.Thread(target=target, name="diagnose-keyring", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise TimeoutError(f"no answer within {timeout_s:.0f} s (a hidden unlock prompt?)")
    if failure:
        raise failure[0]
    return outcome[0]


def check_keyring(endpoint: str) -> tuple[Check, str | None]:
    """The keyring backend, whether it answers, and the stored key for `endpoint` (not shown)."""
    import keyring

    from voicelive_desktop.credentials import KEYRING_SERVICE, describe_keyring_error

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__qualname__}"
    # The app keeps working with a key from the environment or typed for one run, so an
    # unusable keyring is a warning, not a failure.
    try:
        stored = _call_with_timeout(
            lambda: keyring.get_password(KEYRING_SERVICE, endpoint or "voicelive-diagnose"),
            KEYRING_TIMEOUT_S,
        )
    except TimeoutError as error:
        return Check("Keyring", Status.WARNING, f"{name} did not answer: {error}"), None
    except Exception as error:
        return Check("Keyring", Status.WARNING, f"{name}: {describe_keyring_error(error)}"), None
    key_note = (
        f"a key is stored for {endpoint}"
        if stored
        else (f"no key stored for {endpoint}" if endpoint else "no endpoint to look up a key for")
    )
    return Check("Keyring", Status.OK, f"{name} works; {key_note}"), stored or None


# -- paths and stored data ----------------------------------------------------------------


def _history_note(path: Path) -> tuple[Status, str]:
    if not path.exists():
        return Status.OK, f"history {path} (not created yet)"
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            count = connection.execute("SELECT count(*) FROM conversations").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as error:
        return Status.WARNING, f"history {path} cannot be read ({error})"
    return Status.OK, f"history {path} ({count} conversations)"


@dataclass(frozen=True)
class _StoredConnection:
    endpoint: str = ""
    model: str = DEFAULT_MODEL
    api_version: str = SDK_API_VERSION


def check_paths() -> tuple[Check, _StoredConnection]:
    """Settings, log and history locations; returns the check and the stored connection."""
    from voicelive_desktop.settings import SettingsStore

    settings = SettingsStore()
    status = Status.OK
    stored = _StoredConnection()
    if not settings.path.exists():
        settings_note = f"settings {settings.path} (not created yet)"
    else:
        # Read without SettingsStore.load(): loading a damaged file would back it up and rewrite
        # it, and a report must not change anything.
        try:
            data = json.loads(settings.path.read_text(encoding="utf-8"))
            connection = data.get("connection", {})
            stored = _StoredConnection(
                endpoint=str(connection.get("endpoint") or ""),
                model=str(connection.get("model") or DEFAULT_MODEL),
                api_version=str(connection.get("api_version") or SDK_API_VERSION),
            )
            settings_note = f"settings {settings.path}"
        except (OSError, ValueError, AttributeError) as error:
            status = Status.WARNING
            settings_note = (
                f"settings {settings.path} is unreadable ({error}); defaults will be used"
            )
    history_status, history_note = _history_note(default_history_path())
    if history_status is Status.WARNING:
        status = Status.WARNING
    details = (settings_note, f"log {log_file_path()}", history_note)
    return Check("Paths", status, "settings, log and history files", details), stored


def check_crash_log() -> Check:
    """The newest report in the crash log, so "Copy diagnostics" carries what went wrong."""
    path = log_directory() / CRASH_LOG_NAME
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return Check("Crashes", Status.OK, "none recorded")
    except OSError as error:
        return Check("Crashes", Status.WARNING, f"{path} is unreadable ({error.strerror})")
    reports = [r for r in text.split("=== ") if r.strip()]
    if not reports:
        return Check("Crashes", Status.OK, "none recorded", (str(path),))
    newest = reports[-1].strip().splitlines()
    # The head (when, where) and the tail (the exception) say the most in a few lines.
    excerpt = newest[:1] + (["…"] if len(newest) > 13 else []) + newest[1:][-12:]
    summary = f"{len(reports)} recorded in {path}; the newest:"
    return Check("Crashes", Status.WARNING, summary, tuple(redact(line) for line in excerpt))


# -- echo ---------------------------------------------------------------------------------


# Below this much suppression the assistant's echo may still interrupt it.
_WEAK_ERLE_DB = 20.0


def check_echo() -> Check:
    """What echo handling measured in the last voice session: delay and suppression."""
    from voicelive_desktop.echo_report import load_echo_report

    report = load_echo_report()
    if report is None:
        return Check("Echo", Status.OK, "no voice session measured yet")
    lines = report.lines()
    weak = report.erle_db is not None and report.erle_db < _WEAK_ERLE_DB
    status = Status.WARNING if weak else Status.OK
    return Check("Echo", status, f"last session: {lines[0]}", tuple(lines[1:]))
