"""How the UI builds a conversation session: text only, or with the microphone and speaker."""

from __future__ import annotations

from collections.abc import Callable

from azure.core.credentials import AzureKeyCredential
from azure.core.credentials_async import AsyncTokenCredential

from voicelive_desktop.engine import SessionEngine
from voicelive_desktop.engine.session_settings import ConnectionSettings
from voicelive_desktop.push_to_talk import session_for
from voicelive_desktop.settings import AppSettings
from voicelive_desktop.tools.registry import ToolRegistry
from voicelive_desktop.ui.engine_adapter import ConversationSession
from voicelive_desktop.voice_session import VoiceSession

Credential = AzureKeyCredential | AsyncTokenCredential
# The registry is the app's tools with the user's policies (None: a session without tools).
SessionFactory = Callable[
    [ConnectionSettings, Credential, AppSettings, ToolRegistry | None], ConversationSession
]


def text_session(
    connection: ConnectionSettings,
    credential: Credential,
    settings: AppSettings,
    tools: ToolRegistry | None = None,
) -> ConversationSession:
    """A session without audio devices: typed messages in, transcripts out."""
    return SessionEngine(connection, credential, session_for(settings), tools=tools)


def voice_session_factory(
    input_device: str | None = None, output_device: str | None = None
) -> SessionFactory:
    """Sessions with sound; the given devices override the settings' (command line)."""

    def make(
        connection: ConnectionSettings,
        credential: Credential,
        settings: AppSettings,
        tools: ToolRegistry | None = None,
    ) -> ConversationSession:
        return VoiceSession(
            connection,
            credential,
            session_for(settings),
            input_device=input_device or settings.audio.input_device or None,
            output_device=output_device or settings.audio.output_device or None,
            half_duplex=settings.audio.half_duplex,
            tools=tools,
        )

    return make
