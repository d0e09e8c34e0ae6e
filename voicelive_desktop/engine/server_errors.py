"""What the service says went wrong (`error`, `warning`, a response ended early), for users."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from voicelive_desktop.engine.client_event_log import ClientEventLog, SentEvent, explain_error
from voicelive_desktop.engine.event_fields import mapping_field, text_field
from voicelive_desktop.engine.events import EngineEvent, ErrorKind, SessionErrorReported
from voicelive_desktop.engine.hostile_input import HostileInputStats

log = logging.getLogger(__name__)

_MAX_ERROR_MESSAGE = 300
_SAME_ERROR_QUIET_S = 5.0
# A cancel that raced the server's own end of the response: expected during barge-in.
_BENIGN_ERROR_CODES = frozenset({"response_cancel_not_active"})
_BENIGN_ERROR_TEXT = "no active response"
# The service ends a session at its length limit with this error, then closes the socket
# ("Your session hit the maximum duration of 30 minutes": OpenAI Realtime; Voice Live
# sessions have a limit too). The engine reconnects with the context kept.
_SESSION_EXPIRED_CODES = frozenset({"session_expired", "session_timeout"})

# Told of every error first; True: it is handled there and is not shown.
OnServerError = Callable[[str, str, SentEvent | None], bool]


class ServerErrorReports:
    """Owns how one session's server errors reach the user: a cancel that raced the
    service's own end of a response is only logged, a repeat within a few seconds is not
    shown again, a session the service ended is reported as a reconnect (and remembered in
    `ending_announced`), and any other error becomes one sentence naming the request that
    caused it."""

    def __init__(
        self,
        *,
        emit: Callable[[EngineEvent], None],
        stats: HostileInputStats,
        client_events: ClientEventLog,
        on_server_error: OnServerError,
        on_shown: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._emit = emit
        self._stats = stats
        self._client_events = client_events
        self._on_server_error = on_server_error
        self._on_shown = on_shown
        self._clock = clock
        self._last_error: tuple[str, float] = ("", float("-inf"))
        # The service said why it is about to close the socket (its session limit).
        self.ending_announced = False

    def error(self, event: Mapping[str, Any]) -> None:
        """An `error` event; `on_shown` runs before a shown one is reported."""
        self._stats.server_errors += 1
        error = mapping_field(event, "error") or {}
        detail = (text_field(error, "message") or "no details").strip()[:_MAX_ERROR_MESSAGE]
        code = text_field(error, "code") or ""
        cause = self._client_events.cause(error.get("event_id"))
        param = text_field(error, "param") or ""
        if self._on_server_error(detail, param, cause):
            self._stats.suppressed_errors += 1
            log.info("server error handled by the engine: %s", detail)
            return
        if code in _BENIGN_ERROR_CODES or _BENIGN_ERROR_TEXT in detail.lower():
            # A cancel that crossed the service's own end of the response: nothing is wrong.
            self._stats.suppressed_errors += 1
            log.debug("server notice: %s", detail)
            return
        now = self._clock()
        if detail == self._last_error[0] and now - self._last_error[1] < _SAME_ERROR_QUIET_S:
            self._stats.suppressed_errors += 1
            return
        self._last_error = (detail, now)
        self._on_shown()
        if code in _SESSION_EXPIRED_CODES:
            log.info("the service ended the session: %s", detail)
            self.ending_announced = True
            message = (
                f"Voice Live ended the session ({detail.rstrip('.')}); reconnecting with the "
                "conversation kept."
            )
            self._emit(SessionErrorReported(ErrorKind.CONNECTION_LOST, message, fatal=False))
            return
        cause_text = f" (caused by {cause.kind} {cause.event_id})" if cause else ""
        log.warning("server error event%s: %s", cause_text, detail)
        message = explain_error(detail, param, cause)
        self._emit(SessionErrorReported(ErrorKind.SERVER_ERROR, message, fatal=False))

    @staticmethod
    def warning(event: Mapping[str, Any]) -> None:
        """A `warning` event: a documented notice that needs no action (Voice Live reference
        2026-01-01-preview and later), kept in the log for support."""
        warning = mapping_field(event, "warning") or mapping_field(event, "error") or event
        log.info("server warning: %.300s", text_field(warning, "message") or "no details")


def response_end_detail(details: Mapping[str, Any]) -> str:
    """Why a response ended early: `status_details.error.message` for a failed one (OpenAI
    Realtime reference, `response.done`), else its `reason` ("max_output_tokens",
    "content_filter", "turn_detected", "client_cancelled")."""
    error = mapping_field(details, "error") or {}
    message = text_field(error, "message") or text_field(error, "code")
    if message:
        return message.strip()[:_MAX_ERROR_MESSAGE]
    return text_field(details, "reason") or ""
