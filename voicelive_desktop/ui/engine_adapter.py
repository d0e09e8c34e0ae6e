"""The one bridge between the asyncio session and Qt: typed events in, Qt signals out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from voicelive_desktop.background_tasks import BackgroundTasks
from voicelive_desktop.engine.errors import VoiceLiveError
from voicelive_desktop.engine.events import (
    EngineEvent,
    ErrorKind,
    SessionErrorReported,
    SessionState,
    SessionStateChanged,
    ToolApprovalDecision,
)
from voicelive_desktop.engine.session_settings import SessionSettings
from voicelive_desktop.ui.device_picker import audio_device_names
from voicelive_desktop.voice_session import VoiceSession

log = logging.getLogger(__name__)

# settings_outcome values besides an error sentence.
APPLIED = "applied"  # the service confirmed the session.update
STORED = "stored"  # no conversation is open: the next connection uses the settings


class ConversationSession(Protocol):
    """What the adapter drives: a `SessionEngine` (text only) or a `VoiceSession` (audio)."""

    @property
    def state(self) -> SessionState: ...

    def subscribe(self, listener: Callable[[EngineEvent], None]) -> Callable[[], None]: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def apply_settings(self, session: SessionSettings) -> bool: ...

    async def send_text(self, text: str) -> None: ...

    async def speak(self, text: str) -> None: ...

    async def begin_manual_turn(self) -> None: ...

    async def end_manual_turn(self) -> object: ...

    async def reconnect(self) -> None: ...

    def answer_tool_approval(self, call_id: str, decision: ToolApprovalDecision) -> bool: ...


class _Subscription:
    """The adapter's subscription to its session's events; ended at most once."""

    def __init__(self) -> None:
        self._unsubscribe: Callable[[], None] | None = None

    def begin(self, unsubscribe: Callable[[], None]) -> None:
        self.end()
        self._unsubscribe = unsubscribe

    def end(self) -> None:
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        if unsubscribe is not None:
            unsubscribe()


class EngineAdapter(QObject):
    """Owns the current session, re-emits its events as Qt signals on the GUI thread, and runs
    user commands as asyncio tasks so widgets never await the SDK.

    A failed command becomes a `SessionErrorReported` on `event_received`, never an exception
    in a Qt slot.
    """

    event_received = Signal(object)  # every EngineEvent, in order
    state_changed = Signal(object)  # SessionState
    session_closed = Signal()  # stop() finished or start() failed: the session is gone
    # The outcome of apply_settings: SettingsOutcome.APPLIED / .STORED, or the error sentence.
    settings_outcome = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session: ConversationSession | None = None
        self._tasks = BackgroundTasks("engine adapter")
        self.muted = False
        # Qt may delete this object (its window closed) while the session still runs; from
        # then on the session must not call into it ("Signal source has been deleted"). The
        # subscription is a plain Python object, safe to call mid-destruction.
        self._subscription = _Subscription()
        self.destroyed.connect(self._subscription.end)

    @property
    def connected(self) -> bool:
        return self.session is not None

    async def open(self, session: ConversationSession) -> bool:
        """Start `session` (closing any previous one); False, with an error event, on failure."""
        await self.close()
        self.session = session
        self._subscription.begin(session.subscribe(self._deliver))
        if isinstance(session, VoiceSession):
            session.muted = self.muted
        try:
            await session.start()
        except VoiceLiveError:
            # The engine has already reported it as a fatal SessionErrorReported.
            await self._discard(session)
            return False
        except (OSError, ValueError) as exc:
            # Audio devices and credentials fail this way before the engine is involved.
            await self._discard(session)
            self._report(ErrorKind.INTERNAL, str(exc) or type(exc).__name__, fatal=True)
            return False
        return True

    async def close(self) -> None:
        """Stop the session, if any, and wait for it; safe to call twice."""
        session = self.session
        if session is None:
            return
        self._tasks.cancel_all(keep=asyncio.current_task())
        await self._discard(session)

    def send_text(self, text: str) -> None:
        self._run(lambda s: s.send_text(text))

    def apply_settings(self, settings: SessionSettings) -> None:
        """Send another `session.update` to the live session; `settings_outcome` says whether
        the service confirmed it, kept it for the next connection, or refused it (why)."""

        async def apply(session: ConversationSession) -> None:
            confirmed = await session.apply_settings(settings)
            self.settings_outcome.emit(APPLIED if confirmed else STORED)

        self._run(apply, on_failure=self.settings_outcome.emit)

    def begin_manual_turn(self) -> None:
        self._run(lambda s: s.begin_manual_turn())

    def end_manual_turn(self) -> None:
        self._run(lambda s: s.end_manual_turn())

    def reconnect(self) -> None:
        """Open a new connection with the same context (the machine woke up); without a
        session there is nothing to do."""
        if self.session is not None:
            self._run(lambda s: s.reconnect())

    def answer_tool_approval(self, call_id: str, decision: ToolApprovalDecision) -> None:
        """Pass the user's consent answer to the session (a late answer is ignored there)."""
        session = self.session
        if session is None or not session.answer_tool_approval(call_id, decision):
            # The call ended first (timed out, cancelled, the session closed): nothing to do.
            log.info("consent answer for %s came too late", call_id)

    def set_muted(self, muted: bool) -> None:
        """Mute or unmute the microphone of the current and future sessions."""
        self.muted = muted
        if isinstance(self.session, VoiceSession):
            self.session.muted = muted

    def played_ms(self, item_id: str) -> int | None:
        """Milliseconds of `item_id` heard on the speaker; None without a speaker (text only)."""
        if isinstance(self.session, VoiceSession):
            return self.session.playback.played_ms(item_id)
        return None

    def switch_devices(self, input_device: str | None, output_device: str | None) -> None:
        """Move the live voice session to these devices (None: the system default); the
        next session opens them anyway."""
        if isinstance(self.session, VoiceSession):
            self.session.switch_devices(input_device, output_device)

    def device_names(self, rescan: bool) -> tuple[list[str], list[str]]:
        """The microphones and speakers to offer; a live voice session looks itself, since
        looking again for new devices interrupts its streams."""
        if isinstance(self.session, VoiceSession):
            return self.session.device_names(rescan)
        return audio_device_names(rescan)

    def set_half_duplex(self, half_duplex: bool) -> None:
        """Mute the mic while the assistant speaks (speakers without echo cancellation)."""
        if isinstance(self.session, VoiceSession):
            self.session.half_duplex = half_duplex

    async def wait_idle(self) -> None:
        """Wait until every command started so far has finished (for tests and shutdown)."""
        await self._tasks.wait_idle()

    # ---- internals ------------------------------------------------------------------------

    def _run(
        self,
        command: Callable[[ConversationSession], Awaitable[object]],
        on_failure: Callable[[str], None] | None = None,
    ) -> None:
        """Run `command` on the session; a failure is reported as an error event, or handed
        to `on_failure` when the caller shows it itself."""
        session = self.session
        if session is None:
            self._report(ErrorKind.SESSION_NOT_READY, "Not connected: connect first.", False)
            return

        async def guarded() -> None:
            try:
                await command(session)
            except VoiceLiveError as exc:
                if on_failure is None:
                    self._report(exc.kind, str(exc), fatal=False)
                else:
                    on_failure(str(exc))
            except ValueError as exc:
                # Unusable input (an empty message, an invalid setting): the message says which.
                if on_failure is None:
                    self._report(ErrorKind.INTERNAL, str(exc), fatal=False)
                else:
                    on_failure(str(exc))

        self._tasks.spawn(guarded(), "command")

    async def _discard(self, session: ConversationSession) -> None:
        try:
            await session.stop()
        except VoiceLiveError as exc:
            log.warning("stopping the session: %s", exc)
        finally:
            self._subscription.end()
            if self.session is session:
                self.session = None
            previous = session.state
            if previous is not SessionState.DISCONNECTED:
                self._deliver(SessionStateChanged(SessionState.DISCONNECTED, previous))
            self.session_closed.emit()

    def _report(self, kind: ErrorKind, message: str, fatal: bool) -> None:
        self._deliver(SessionErrorReported(kind, message, fatal))

    def _deliver(self, event: EngineEvent) -> None:
        if isinstance(event, SessionStateChanged):
            self.state_changed.emit(event.state)
        self.event_received.emit(event)
