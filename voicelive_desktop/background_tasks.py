"""BackgroundTasks: asyncio tasks started by one owner, with the app's one failure policy.

Every fire-and-forget task in the app (engine, adapter, controller, simulator) starts here,
so a task that dies of an unexpected exception is never lost: the loop's exception handler
gets it, with the task's name. In the app that handler is the crash capture (the log, the
crash log and the "something went wrong" banner); in tests it is asyncio's default, which
logs an ERROR that fails the test. Expected failures are the task's own business: handle
them inside the coroutine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


class BackgroundTasks:
    """Owns the running tasks one object started; cancels and awaits them on request."""

    def __init__(self, owner: str) -> None:
        self._owner = owner
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coroutine: Coroutine[Any, Any, T], name: str = "") -> asyncio.Task[T]:
        """Run `coroutine` as a task of this owner; call on the loop's thread."""
        task = asyncio.ensure_future(coroutine)
        if name:
            task.set_name(f"{self._owner}: {name}")
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()  # retrieved here, so asyncio never warns about it later
        if error is None:
            return
        task.get_loop().call_exception_handler(
            {
                "message": f"background task {task.get_name()!r} of {self._owner} failed",
                "exception": error,
                "task": task,
            }
        )

    def cancel_all(self, *, keep: asyncio.Task[Any] | None = None) -> None:
        """Cancel every task (but `keep`, usually the caller's own task)."""
        for task in list(self._tasks):
            if task is not keep:
                task.cancel()

    async def wait_idle(self) -> None:
        """Wait until every task started so far, and any they start, has finished."""
        current = asyncio.current_task()
        while others := [t for t in self._tasks if t is not current]:
            await asyncio.gather(*others, return_exceptions=True)

    def __iter__(self) -> Iterator[asyncio.Task[Any]]:
        return iter(list(self._tasks))

    def __len__(self) -> int:
        return len(self._tasks)
