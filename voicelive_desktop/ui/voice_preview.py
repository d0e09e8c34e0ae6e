"""Voice preview: a short separate session that says a sample sentence in the chosen voice."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from voicelive_desktop.engine.errors import VoiceLiveError
from voicelive_desktop.engine.events import (
    EngineEvent,
    ResponseFinished,
    SessionErrorReported,
    SessionState,
    SessionStateChanged,
)
from voicelive_desktop.engine.session_settings import ConnectionSettings
from voicelive_desktop.settings import AppSettings
from voicelive_desktop.ui.sessions import Credential, SessionFactory
from voicelive_desktop.voice_session import VoiceSession

log = logging.getLogger(__name__)

SAMPLE_SENTENCE = "Hello! This is how I sound. I can help you with questions, plans and ideas."
# A sentence plays in a few seconds; a preview that takes longer than this has stalled.
PREVIEW_TIMEOUT_S = 30.0

Target = tuple[ConnectionSettings, Credential]


def preview_settings(settings: AppSettings) -> AppSettings:
    """The settings with nothing but the voice mattering: no turn detection (the preview's
    mic stays shut), no greeting, no transcription of the user."""
    session = dataclasses.replace(
        settings.session, greet_on_connect=False, input_transcription_model=""
    )
    push_to_talk = dataclasses.replace(settings.push_to_talk, enabled=True)
    return dataclasses.replace(settings, session=session, push_to_talk=push_to_talk)


class VoicePreview(QObject):
    """Owns at most one preview session: opens it beside the conversation (which it leaves
    alone), has it say `SAMPLE_SENTENCE`, and closes it once the sentence has played."""

    busy_changed = Signal(bool)
    failed = Signal(str)  # one sentence saying why the preview could not play
    finished = Signal(str)  # the response's status ("completed", ...) once it has played

    def __init__(
        self,
        make_session: SessionFactory,
        target: Callable[[], Awaitable[Target | None]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._make_session = make_session
        self._target = target
        self.busy = False

    async def play(self, settings: AppSettings) -> None:
        """Preview the voice in `settings`; a second call while one plays is ignored."""
        if self.busy:
            return
        self._set_busy(True)
        try:
            await self._play(settings)
        finally:
            self._set_busy(False)

    async def _play(self, settings: AppSettings) -> None:
        target = await self._target()
        if target is None:
            self.failed.emit("The voice preview needs a connection or the offline demo.")
            return
        connection, credential = target
        try:
            # No tools: the preview only speaks.
            session = self._make_session(connection, credential, preview_settings(settings), None)
        except (OSError, ValueError) as exc:
            self.failed.emit(f"The voice preview could not start: {exc}")
            return
        follow = _PlayedOut(session)
        done = follow.done
        unsubscribe = session.subscribe(follow)
        if isinstance(session, VoiceSession):
            session.muted = True
        try:
            await session.start()
            await session.speak(SAMPLE_SENTENCE)
            problem = await asyncio.wait_for(done, PREVIEW_TIMEOUT_S)
        except asyncio.TimeoutError:
            problem = "The voice preview did not finish playing."
        except (VoiceLiveError, OSError, ValueError) as exc:
            problem = str(exc)
        finally:
            unsubscribe()
            await session.stop()
        if problem:
            log.warning("voice preview: %s", problem)
            self.failed.emit(f"Preview failed: {problem}")
        else:
            self.finished.emit(follow.status)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_changed.emit(busy)


class _PlayedOut:
    """Listens to a preview session; `done` gets "" once the sentence has played out (or
    the response ended with no speaker to wait for), or the error message."""

    def __init__(self, session: Any) -> None:
        self._session = session
        self.status = ""  # how the response ended
        self.done: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def __call__(self, event: EngineEvent) -> None:
        if self.done.done():
            return
        if isinstance(event, SessionErrorReported):
            self.done.set_result(event.message)
        elif isinstance(event, ResponseFinished):
            self.status = event.status
            if self._session.state is SessionState.READY:
                self.done.set_result("")  # no speaker to wait for (a text-only session)
        elif (
            isinstance(event, SessionStateChanged)
            and event.state is SessionState.READY
            and self.status
        ):
            self.done.set_result("")  # the sentence has played out
