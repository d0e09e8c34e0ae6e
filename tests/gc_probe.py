"""Which thread frees garbage: the probe shared by the tests of main-thread-only collection."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable


def free_while_a_worker_allocates(
    make_garbage: Callable[[], object],
) -> tuple[weakref.ref[object], list[str]]:
    """Make garbage (a reference cycle, made here so that no caller's frame holds it) and drop
    it, then allocate cycles on a worker thread, as a PortAudio callback, pynput's thread or a
    waking executor thread does. Returns a weak reference to the garbage and the names of the
    threads that freed it so far: an automatic collection on the worker would have freed it
    there."""
    freed_on: list[str] = []
    garbage = make_garbage()
    watch = weakref.ref(garbage, lambda _ref: freed_on.append(threading.current_thread().name))
    del garbage

    def allocate() -> None:
        for _ in range(50_000):
            cycle: list[object] = []
            cycle.append(cycle)

    worker = threading.Thread(target=allocate, name="worker")
    worker.start()
    worker.join()
    return watch, freed_on
