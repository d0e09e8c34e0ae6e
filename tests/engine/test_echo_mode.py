"""Which echo mode a session runs, and what each asks of the service."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from azure.core.credentials import AzureKeyCredential

from voicelive_desktop.echo_report import save_echo_report
from voicelive_desktop.engine.echo_mode import (
    build_echo_cancellation,
    effective_echo_mode,
)
from voicelive_desktop.engine.session_settings import (
    ConnectionSettings,
    EchoCancellationMode,
    SessionSettings,
)
from voicelive_desktop.protocol import DEMO_API_KEY
from voicelive_desktop.settings import AppSettings, SettingsStore
from voicelive_desktop.voice_session import VoiceSession

M = EchoCancellationMode


def test_a_fresh_install_pairs_the_mic_with_this_computers_playback(tmp_path: Path) -> None:
    assert AppSettings().session.echo_cancellation is M.SERVICE_WITH_CLIENT_REFERENCE
    assert SettingsStore(tmp_path).load().settings.session.echo_cancellation is (
        M.SERVICE_WITH_CLIENT_REFERENCE
    )


@pytest.mark.parametrize(
    ("api_version", "expected"),
    [
        (None, M.SERVICE_WITH_CLIENT_REFERENCE),  # the SDK's default, 2026-07-15
        ("2026-07-15", M.SERVICE_WITH_CLIENT_REFERENCE),
        ("2026-09-01-preview", M.SERVICE_WITH_CLIENT_REFERENCE),
        ("2026-04-10", M.THIS_COMPUTER),  # no client reference yet: cancel locally
        ("2025-10-01", M.THIS_COMPUTER),
    ],
)
def test_the_client_reference_needs_an_endpoint_that_takes_it(
    api_version: str | None, expected: EchoCancellationMode
) -> None:
    assert effective_echo_mode(M.SERVICE_WITH_CLIENT_REFERENCE, api_version) is expected


@pytest.mark.parametrize("mode", [M.OFF, M.SERVICE, M.THIS_COMPUTER])
def test_other_modes_work_with_any_endpoint(mode: EchoCancellationMode) -> None:
    assert effective_echo_mode(mode, "2025-10-01") is mode


def test_what_each_mode_sends() -> None:
    assert build_echo_cancellation(M.OFF) is None
    assert build_echo_cancellation(M.THIS_COMPUTER) is None  # already clean: no second pass
    assert dict(build_echo_cancellation(M.SERVICE) or {}) == {
        "type": "server_echo_cancellation",
        "reference_source": "server",
    }
    assert dict(build_echo_cancellation(M.SERVICE_WITH_CLIENT_REFERENCE) or {}) == {
        "type": "server_echo_cancellation",
        "reference_source": "client",
        "channels": 2,
    }


def _voice_session() -> VoiceSession:
    return VoiceSession(
        ConnectionSettings(endpoint="http://127.0.0.1:9"),
        AzureKeyCredential(DEMO_API_KEY),
        SessionSettings(echo_cancellation=M.SERVICE_WITH_CLIENT_REFERENCE),
    )


def test_the_next_session_on_the_same_devices_starts_with_the_measured_delay() -> None:
    first = _voice_session()  # nothing measured yet
    assert first.capture.echo_stage is not None
    assert first.capture.echo_stage.pairing.applied_delay_s == 0.0
    report = first.echo_report
    save_echo_report(dataclasses.replace(report, residual_delay_ms=42.0, delay_measurements=3))
    second = _voice_session()
    assert second.capture.echo_stage is not None
    assert second.capture.echo_stage.pairing.applied_delay_s == pytest.approx(0.042)
    # Other devices: the measurement does not apply.
    other = VoiceSession(
        ConnectionSettings(endpoint="http://127.0.0.1:9"),
        AzureKeyCredential(DEMO_API_KEY),
        SessionSettings(echo_cancellation=M.SERVICE_WITH_CLIENT_REFERENCE),
        output_device="USB headset",
    )
    assert other.capture.echo_stage is not None
    assert other.capture.echo_stage.pairing.applied_delay_s == 0.0
