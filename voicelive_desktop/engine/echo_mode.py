"""Which echo cancellation a session really runs, and what it asks of the service."""

from __future__ import annotations

from azure.ai.voicelive.models import AudioEchoCancellation

from voicelive_desktop.engine.session_settings import EchoCancellationMode

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
