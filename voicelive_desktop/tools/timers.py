"""Timers the assistant sets: the board the UI lists and cancels from, and its three tools.

A timer fires with a desktop notification (`DesktopServices.notify`; the UI adds the earcon).
Timers live as long as the app runs: they are reminders for this sitting, not an alarm clock.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from voicelive_desktop.tools.registry import ToolError, ToolPolicy, ToolRisk, ToolSpec

log = logging.getLogger(__name__)

MAX_TIMER_S = 24 * 3600
MAX_TIMERS = 20
_MAX_LABEL = 80


def spoken_duration(seconds: int) -> str:
    """`90` -> "1 minute 30 seconds": how a person says it."""
    parts = []
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {unit}{'s' if count != 1 else ''}")
    return " ".join(parts) or "0 seconds"


@dataclass(frozen=True)
class Timer:
    """One running timer as the UI shows it."""

    timer_id: str
    label: str
    seconds: int
    fires_at: datetime  # local, aware

    def describe(self) -> dict[str, Any]:
        return {
            "timer_id": self.timer_id,
            "label": self.label,
            "duration": spoken_duration(self.seconds),
            "fires_at": self.fires_at.isoformat(timespec="seconds"),
        }


TimerListener = Callable[[], None]
# How early a timer may go off. Qt's coarse timers, which a plain qasync loop's call_later
# uses, fire up to 5 % early (half a second of a 10 s timer, three minutes of an hour's): the
# rest is waited out. The app's own loop is precise (ui/event_loop.py), but the board does not
# count on its host's loop. A few milliseconds early is not worth another wake-up.
_EARLY_S = 0.005


@dataclass
class _Running:
    timer: Timer
    due: float  # on the loop's clock
    handle: asyncio.TimerHandle


class TimerBoard:
    """Owns the running timers: starts them on the loop, fires, lists and cancels them.

    `notify(title, message)` is called on the loop when a timer fires; listeners hear about
    every change (set, fired, cancelled) so a list in the UI stays current.
    """

    def __init__(
        self,
        notify: Callable[[str, str], None],
        now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
    ) -> None:
        self._notify = notify
        self._now = now
        self._ids = itertools.count(1)
        self._timers: dict[str, _Running] = {}
        self._listeners: list[TimerListener] = []

    def seconds_left(self, timer: Timer) -> int:
        """Whole seconds until `timer` fires (rounded up, as a kitchen timer counts)."""
        return max(0, math.ceil((timer.fires_at - self._now()).total_seconds()))

    def timers(self) -> list[Timer]:
        """The running timers, soonest first."""
        return sorted((r.timer for r in self._timers.values()), key=lambda t: t.fires_at)

    def subscribe(self, listener: TimerListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def start(self, seconds: int, label: str = "") -> Timer:
        """Start a timer on the running loop; raises ToolError when it cannot be set."""
        if not 1 <= seconds <= MAX_TIMER_S:
            raise ToolError(f"A timer must last from 1 second to {MAX_TIMER_S // 3600} hours.")
        if len(self._timers) >= MAX_TIMERS:
            raise ToolError(f"There are already {MAX_TIMERS} timers; cancel one first.")
        label = " ".join(label.split())[:_MAX_LABEL]
        timer = Timer(
            f"timer-{next(self._ids)}", label, seconds, self._now() + timedelta(seconds=seconds)
        )
        loop = asyncio.get_running_loop()
        handle = loop.call_later(seconds, self._fire, timer.timer_id)
        self._timers[timer.timer_id] = _Running(timer, loop.time() + seconds, handle)
        self._changed()
        return timer

    def cancel(self, timer_id: str) -> Timer | None:
        """Stop a timer before it fires; None when there is no such timer (any more)."""
        running = self._timers.pop(timer_id, None)
        if running is None:
            return None
        running.handle.cancel()
        self._changed()
        return running.timer

    def cancel_all(self) -> None:
        """Stop every timer (the app is quitting)."""
        for running in self._timers.values():
            running.handle.cancel()
        if self._timers:
            self._timers.clear()
            self._changed()

    def _fire(self, timer_id: str) -> None:
        running = self._timers.get(timer_id)
        if running is None:
            return
        loop = asyncio.get_running_loop()
        left = running.due - loop.time()
        if left > _EARLY_S:
            running.handle = loop.call_later(left, self._fire, timer_id)
            return
        del self._timers[timer_id]
        timer = running.timer
        duration = spoken_duration(timer.seconds)
        message = f"Your timer for {duration} is up."
        if timer.label:
            message = f"{timer.label[0].upper()}{timer.label[1:]}: your timer for {duration} is up."
        try:
            self._notify("Timer done", message)
        except Exception:
            log.warning("the timer notification failed", exc_info=True)
        self._changed()

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()


def timer_tools(board: TimerBoard) -> list[ToolSpec]:
    """set_timer, list_timers and cancel_timer on `board`."""

    async def set_timer(arguments: Mapping[str, Any]) -> dict[str, Any]:
        timer = board.start(int(arguments["seconds"]), str(arguments.get("label", "")))
        named = f" called {timer.label}" if timer.label else ""
        return {
            **timer.describe(),
            "summary": f"Timer{named} set for {spoken_duration(timer.seconds)}.",
        }

    async def list_timers(arguments: Mapping[str, Any]) -> dict[str, Any]:
        running = board.timers()
        if not running:
            return {"timers": [], "summary": "No timers are running."}
        timers, said = [], []
        for timer in running:
            left = spoken_duration(board.seconds_left(timer))
            timers.append({**timer.describe(), "left": left})
            named = timer.label or f"one set for {spoken_duration(timer.seconds)}"
            said.append(f"{named}, {left} left")
        count = f"{len(running)} timer{'s' if len(running) != 1 else ''} running"
        return {"timers": timers, "summary": f"{count}: {'; '.join(said)}."}

    async def cancel_timer(arguments: Mapping[str, Any]) -> dict[str, Any]:
        wanted = str(arguments.get("timer_id", ""))
        running = board.timers()
        if not wanted:
            if len(running) != 1:
                raise ToolError(
                    "Say which timer to cancel (its timer_id from list_timers); "
                    f"{len(running)} are running."
                )
            wanted = running[0].timer_id
        cancelled = board.cancel(wanted)
        if cancelled is None:
            raise ToolError(f"There is no running timer {wanted!r}.")
        return {"cancelled": cancelled.timer_id, "summary": "Timer cancelled."}

    return [
        ToolSpec(
            name="set_timer",
            description=(
                "Start a countdown timer; the user gets a desktop notification when it ends."
            ),
            parameters={
                "type": "object",
                "properties": {
                    "seconds": {"type": "integer", "minimum": 1, "maximum": MAX_TIMER_S},
                    "label": {"type": "string", "maxLength": _MAX_LABEL},
                },
                "required": ["seconds"],
                "additionalProperties": False,
            },
            handler=set_timer,
            default_policy=ToolPolicy.ALWAYS_ALLOW,
        ),
        ToolSpec(
            name="list_timers",
            description="List the running timers with their ids and when each ends.",
            parameters={"type": "object", "properties": {}, "additionalProperties": False},
            handler=list_timers,
            default_policy=ToolPolicy.ALWAYS_ALLOW,
        ),
        ToolSpec(
            name="cancel_timer",
            description=(
                "Cancel a running timer by its timer_id (may be left out when only one runs)."
            ),
            parameters={
                "type": "object",
                "properties": {"timer_id": {"type": "string"}},
                "additionalProperties": False,
            },
            handler=cancel_timer,
            risk=ToolRisk.SAFE,
            default_policy=ToolPolicy.ALWAYS_ALLOW,
        ),
    ]
