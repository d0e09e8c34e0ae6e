"""Which echo mode a session runs, and what each asks of the service."""

from __future__ import annotations

from pathlib import Path

import pytest

from voicelive_desktop.engine.echo_mode import (
    build_echo_cancellation,
    effective_echo_mode,
)
from voicelive_desktop.engine.session_settings import EchoCancellationMode
from voicelive_desktop.settings import AppSettings, SettingsStore

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
