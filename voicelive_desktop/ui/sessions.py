"""How the UI builds a conversation session, and which audio devices it can offer."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable

from azure.core.credentials import AzureKeyCredential
from azure.core.credentials_async import AsyncTokenCredential

from voicelive_desktop.engine import SessionEngine
from voicelive_desktop.engine.session_settings import ConnectionSettings
from voicelive_desktop.settings import AppSettings
from voicelive_desktop.ui.engine_adapter import ConversationSession

log = logging.getLogger(__name__)

Credential = AzureKeyCredential | AsyncTokenCredential
SessionFactory = Callable[[ConnectionSettings, Credential, AppSettings], ConversationSession]


def text_session(
    connection: ConnectionSettings, credential: Credential, settings: AppSettings
) -> ConversationSession:
    """A session without audio devices: typed messages in, transcripts out."""
    return SessionEngine(connection, credential, settings.session)


def audio_device_names() -> tuple[list[str], list[str]]:
    """Names of the microphones and speakers PortAudio sees; empty lists if audio is
    unavailable (the dialog then offers only the system default)."""
    try:
        from voicelive_desktop.audio.devices import Direction, list_devices
        from voicelive_desktop.audio.errors import AudioError

        try:
            inputs = [d.name for d in list_devices(Direction.INPUT)]
            outputs = [d.name for d in list_devices(Direction.OUTPUT)]
        except AudioError as exc:
            log.warning("listing audio devices: %s", exc)
            return [], []
    except OSError as exc:  # PortAudio library missing
        log.warning("audio unavailable: %s", exc)
        return [], []
    return inputs, outputs


def default_session_factory(args: argparse.Namespace) -> SessionFactory:
    """The factory the app uses; `--input-device`/`--output-device` override the settings."""
    del args  # devices apply once audio sessions are built here
    return text_session
