"""The push-to-talk state machine: presses and releases from any source become ordered turns."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

from voicelive_desktop.engine.errors import VoiceLiveError
from voicelive_desktop.settings import PushToTalkMode

log = logging.getLogger(__name__)

NOT_CONNECTED = "Not connected: connect first, then hold the push-to-talk key."


class TurnTarget(Protocol):
    """What push-to-talk drives: a `SessionEngine` or a `VoiceSession`."""

    async def begin_manual_turn(self) -> None: ...

    async def end_manual_turn(self) -> object: ...


class PushToTalk:
    """Owns whether the user's turn is open, and turns presses into begin/end commands in order.

    Sources (the in-app key, the on-screen button, the global hotkey, the command channel) are
    named by the caller. A press of a source that is already held is key auto-repeat and is
    ignored. In HOLD mode the turn is open while at least one source is held; in TOGGLE mode
    each fresh press flips it. `toggle()` flips it in either mode (a desktop shortcut has no
    release). Commands run one after another on the loop, so a quick tap cannot overtake its
    own key-down; the engine drops a turn shorter than ~150 ms. `on_open_changed` reports the
    user's intent at once (for feedback); `on_sent(begin)` reports a command the session took.
    """

    def __init__(
        self,
        target: Callable[[], TurnTarget | None],
        *,
        mode: PushToTalkMode = PushToTalkMode.HOLD,
        on_open_changed: Callable[[bool], None] = lambda _open: None,
        on_error: Callable[[str], None] = lambda _message: None,
        on_sent: Callable[[bool], None] = lambda _begin: None,
    ) -> None:
        self.mode = mode
        self._target = target
        self._on_open_changed = on_open_changed
        self._on_error = on_error
        self._on_sent = on_sent
        self._held: set[str] = set()
        self._open = False
        self._commands: asyncio.Queue[tuple[bool, TurnTarget]] | None = None
        self._worker: asyncio.Task[None] | None = None

    @property
    def is_open(self) -> bool:
        """True from the press that starts a turn to the release (or press) that ends it."""
        return self._open

    def is_held(self, source: str) -> bool:
        return source in self._held

    def press(self, source: str) -> None:
        if source in self._held:
            return
        self._held.add(source)
        if self.mode is PushToTalkMode.TOGGLE:
            self.toggle()
        elif not self._open:
            self._set_open(True)

    def release(self, source: str) -> None:
        if source not in self._held:
            return
        self._held.discard(source)
        if self.mode is PushToTalkMode.HOLD and self._open and not self._held:
            self._set_open(False)

    def toggle(self) -> None:
        self._set_open(not self._open)

    def reset(self) -> None:
        """The session is gone: forget held keys and close the turn without sending anything."""
        self._held.clear()
        if self._commands is not None:
            while not self._commands.empty():
                self._commands.get_nowait()
                self._commands.task_done()
        if self._open:
            self._open = False
            self._on_open_changed(False)

    async def wait_idle(self) -> None:
        """Wait until every command so far has been sent (tests, shutdown)."""
        if self._commands is not None:
            await self._commands.join()

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            self._worker = None
            self._commands = None

    def _set_open(self, open_: bool) -> None:
        target = self._target()
        if target is None:
            if open_:
                self._on_error(NOT_CONNECTED)
            return
        self._open = open_
        self._on_open_changed(open_)
        if self._commands is None:
            self._commands = asyncio.Queue()
            self._worker = asyncio.get_running_loop().create_task(self._run(self._commands))
        self._commands.put_nowait((open_, target))

    async def _run(self, commands: asyncio.Queue[tuple[bool, TurnTarget]]) -> None:
        while True:
            begin, target = await commands.get()
            try:
                if begin:
                    await target.begin_manual_turn()
                else:
                    await target.end_manual_turn()
                self._on_sent(begin)
            except VoiceLiveError as exc:
                log.info("push-to-talk %s failed: %s", "start" if begin else "end", exc)
                self._on_error(str(exc))
                if begin and self._open:
                    self._open = False
                    self._on_open_changed(False)
            except Exception:
                log.exception("push-to-talk command failed")
                self._on_error("Push-to-talk failed unexpectedly; see the log for details.")
            finally:
                commands.task_done()
