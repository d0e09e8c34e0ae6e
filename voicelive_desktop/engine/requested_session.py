"""The session config the engine asks the service for, and the fallback it keeps to."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from azure.ai.voicelive.models import RequestSession

from voicelive_desktop.engine.agent_mode import for_agent
from voicelive_desktop.engine.echo_mode import EchoReferenceRefused, with_fallback
from voicelive_desktop.engine.events import EchoModeFellBack, EngineEvent
from voicelive_desktop.engine.model_temperature import within_temperature_range
from voicelive_desktop.engine.model_transcription import with_valid_transcription
from voicelive_desktop.engine.remote_mcp_config import RemoteMcpServer, with_remote_mcp
from voicelive_desktop.engine.session_config import build_request_session
from voicelive_desktop.engine.session_settings import (
    ConnectionSettings,
    EchoCancellationMode,
    SessionSettings,
)
from voicelive_desktop.engine.session_update import SessionUpdates
from voicelive_desktop.engine.tool_config import OfferedTools

log = logging.getLogger(__name__)


class RequestedSession:
    """Owns what goes into every `session.update` of one engine: the settings as the SDK's
    config, the tools offered, the remote MCP servers, the Foundry agent, and, once the
    service refused the client echo reference, the echo fallback (kept for reconnects)."""

    def __init__(
        self,
        connection: ConnectionSettings,
        tools: OfferedTools,
        updates: SessionUpdates,
        *,
        emit: Callable[[EngineEvent], None],
        echo_fallback: EchoCancellationMode,
        remote_mcp: Sequence[RemoteMcpServer],
    ) -> None:
        self._connection = connection
        self._tools = tools
        self._updates = updates
        self._emit = emit
        self._echo_fallback = echo_fallback
        self._echo_refused = False  # the service refused the client reference: never again
        self.remote_mcp = tuple(remote_mcp)

    def config(self, session: SessionSettings) -> RequestSession:
        """The config for `session`; raises InvalidSessionSettings when a value is unusable."""
        if self._echo_refused:
            session = with_fallback(session, self._echo_fallback)
        session = within_temperature_range(session, self._connection)
        session = with_valid_transcription(session, self._connection)
        config = self._tools.session_config(build_request_session(session))
        return for_agent(with_remote_mcp(config, self.remote_mcp), self._connection)

    async def send(self, session: SessionSettings) -> None:
        """Send `session` as the session config and wait for the service to confirm it; a
        refused client echo reference is replaced by the fallback and sent again."""
        try:
            await self._updates.configure(self.config(session))
        except EchoReferenceRefused as refusal:
            self._echo_refused = True
            log.warning(
                "the service refused the client echo reference (%s); using %s",
                refusal.message,
                self._echo_fallback.value,
            )
            requested = EchoCancellationMode.SERVICE_WITH_CLIENT_REFERENCE
            self._emit(EchoModeFellBack(requested, self._echo_fallback, refusal.message))
            await self._updates.configure(self.config(session))
