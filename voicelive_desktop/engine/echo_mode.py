"""Which echo cancellation a session really runs, what it asks of the service, and how to
tell that the service refused the client echo reference."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from azure.ai.voicelive.models import AudioEchoCancellation

from voicelive_desktop.engine.errors import SessionNotReady
from voicelive_desktop.engine.session_settings import EchoCancellationMode, SessionSettings

# The first Voice Live API version that takes a client-supplied echo reference (stereo input,
# ch1 the reference); SDK 1.3.1 connects with it by default.
CLIENT_REFERENCE_API_VERSION = "2026-07-15"


def supports_client_reference(api_version: str | None) -> bool:
    """True when the API version (None: the SDK's default) accepts `reference_source: client`.

    Versions are dates, optionally with a `-preview` suffix, so they compare as text.
    """
    if not api_version:
        return True
    return api_version[:10] >= CLIENT_REFERENCE_API_VERSION


def effective_echo_mode(
    chosen: EchoCancellationMode, api_version: str | None
) -> EchoCancellationMode:
    """The mode to run: the client reference falls back to this computer's canceller on an
    endpoint whose API version cannot take it (the next best thing for a laptop)."""
    if (
        chosen is EchoCancellationMode.SERVICE_WITH_CLIENT_REFERENCE
        and not supports_client_reference(api_version)
    ):
        return EchoCancellationMode.THIS_COMPUTER
    return chosen


def build_echo_cancellation(mode: EchoCancellationMode) -> AudioEchoCancellation | None:
    """The `input_audio_echo_cancellation` of session.update (None: the service does none).

    Cancelling on this computer sends mono audio that is already clean, so the service's
    canceller stays off: a second one would only add distortion.
    """
    if mode is EchoCancellationMode.SERVICE:
        return AudioEchoCancellation(reference_source="server")
    if mode is EchoCancellationMode.SERVICE_WITH_CLIENT_REFERENCE:
        return AudioEchoCancellation(reference_source="client", channels=2)
    return None


class EchoReferenceRefused(SessionNotReady):
    """The service will not take the client echo reference: it answered the session.update
    with an error about `input_audio_echo_cancellation`, or confirmed a session without it."""


# What the service said when its `session.updated` came back without the client reference.
DROPPED_REFERENCE = (
    "The service confirmed the session without input_audio_echo_cancellation "
    "reference_source 'client' and 2 channels."
)
_ECHO_FIELD = "input_audio_echo_cancellation"


def holds_client_reference(session: Mapping[str, Any]) -> bool:
    """True when a session (as sent or as confirmed in `session.updated`) holds
    `input_audio_echo_cancellation` with `reference_source: client` and 2 channels."""
    echo = session.get(_ECHO_FIELD)
    if not isinstance(echo, Mapping):
        return False
    return echo.get("reference_source") == "client" and echo.get("channels") == 2


def is_echo_refusal(detail: str, param: str) -> bool:
    """True when an `error` answering a session.update is about the echo configuration
    (the OpenAI Realtime reference names the rejected field in `error.param`; the text is
    checked too, for an error without one)."""
    return _ECHO_FIELD in param or _ECHO_FIELD in detail or "reference_source" in detail


def with_fallback(session: SessionSettings, fallback: EchoCancellationMode) -> SessionSettings:
    """`session` with the client reference replaced by `fallback` (other modes unchanged)."""
    if session.echo_cancellation is not EchoCancellationMode.SERVICE_WITH_CLIENT_REFERENCE:
        return session
    return dataclasses.replace(session, echo_cancellation=fallback)
