"""Crash capture: the last-resort handlers for exceptions nobody caught, and the crash log.

An exception that escapes a Qt slot, a thread or an asyncio task would otherwise vanish into
stderr (which a double-clicked app does not have) or kill the process. Here every one of
them is written, with its traceback, to the log and to `crash.log` in the log directory, and
`on_crash` tells the user (the window's "something went wrong" banner). `faulthandler`
writes the Python stacks of a hard crash (a segfault in a native library) to the same file.
No Qt import: the UI passes its banner in as a callback.
"""

from __future__ import annotations

import asyncio
import datetime
import faulthandler
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from voicelive_desktop.logging_setup import redact

log = logging.getLogger(__name__)

CRASH_LOG_NAME = "crash.log"
# The crash log keeps the newest reports; past this size it starts over.
MAX_CRASH_LOG_BYTES = 1_000_000

OnCrash = Callable[[str], None]


def _open_private(path: Path, mode: str) -> IO[str]:
    """A text file readable by its owner only (a traceback may quote a transcript)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if "w" in mode else os.O_APPEND)
    return os.fdopen(os.open(path, flags, 0o600), mode, encoding="utf-8")


class CrashCapture:
    """Owns the installed excepthooks, the loop's exception handler and the crash log file.

    `install()` replaces the handlers; `uninstall()` puts the previous ones back (tests).
    `on_crash(summary)` is called on the loop's thread with one line for the user.
    """

    def __init__(self, log_dir: Path, on_crash: OnCrash | None = None) -> None:
        self.path = log_dir / CRASH_LOG_NAME
        self.on_crash = on_crash
        self.count = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._fault_file: IO[str] | None = None
        self._previous: tuple[Any, Any] | None = None
        self._lock = threading.Lock()

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Take over sys/threading excepthooks, `loop`'s exception handler and faulthandler."""
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self._sys_hook
        threading.excepthook = self._thread_hook
        self._loop = loop
        if loop is not None:
            loop.set_exception_handler(self._loop_handler)
        try:
            self._fault_file = _open_private(self.path, "w" if self._too_big() else "a")
            faulthandler.enable(file=self._fault_file, all_threads=True)
        except OSError as error:
            log.warning("no crash log for hard crashes (%s): %s", self.path, error)

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None
        if self._loop is not None and not self._loop.is_closed():
            self._loop.set_exception_handler(None)
        self._loop = None
        if self._fault_file is not None:
            faulthandler.disable()
            self._fault_file.close()
            self._fault_file = None

    def _too_big(self) -> bool:
        try:
            return self.path.stat().st_size > MAX_CRASH_LOG_BYTES
        except OSError:
            return False

    # -- the hooks ------------------------------------------------------------------------

    def _sys_hook(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        self.report("uncaught exception", error)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or isinstance(args.exc_value, SystemExit):
            return
        thread = args.thread.name if args.thread is not None else "a thread"
        self.report(f"uncaught exception in thread {thread!r}", args.exc_value)

    def _loop_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        message = str(context.get("message") or "asyncio error")
        if isinstance(error, BaseException):
            self.report(message, error)
        else:
            # No exception (e.g. "Unclosed client session"): worth a line, not a banner.
            log.warning("asyncio: %s", redact(message))

    # -- reporting ------------------------------------------------------------------------

    def report(self, where: str, error: BaseException) -> None:
        """Log `error`, append it to the crash log and tell the user; callable on any thread."""
        self.count += 1
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        log.critical("%s: %s", where, text.rstrip())
        self._append(where, redact(text))
        summary = f"{type(error).__name__}: {error}".strip()
        self._notify(redact(summary)[:300])

    def _append(self, where: str, text: str) -> None:
        stamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        try:
            with self._lock, _open_private(self.path, "a") as crash_log:
                crash_log.write(f"=== {stamp} {where}\n{text}\n")
        except OSError as error:
            log.error("could not write the crash log %s: %s", self.path, error)

    def _notify(self, summary: str) -> None:
        notify = self.on_crash
        if notify is None:
            return
        loop = self._loop
        on_loop_thread = loop is None or loop.is_closed() or _running_loop() is loop
        if on_loop_thread:
            notify(summary)
        else:
            assert loop is not None
            loop.call_soon_threadsafe(notify, summary)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
