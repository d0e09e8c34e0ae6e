"""The app's asyncio loop runs no timer callback before its time (qasync's own, on Qt's
coarse timers, ran a 1 s call_later after 0.95 s)."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QApplication

from voicelive_desktop import app as app_module
from voicelive_desktop.ui.event_loop import PreciseEventLoop

# Whole seconds as the timer tools and the consent timeout use them, and odd fractions that
# qasync cut down to whole milliseconds.
DELAYS = (1.0, 1.0, 1.0, 0.5, 0.3337, 0.05, 0.0015)


def test_call_later_never_fires_early_on_the_apps_loop(qapp: QApplication) -> None:
    assert app_module.PreciseEventLoop is PreciseEventLoop  # what app.run starts

    async def fired_after() -> list[tuple[float, float]]:
        loop = asyncio.get_running_loop()
        assert isinstance(loop, PreciseEventLoop)
        waits = []
        for delay in DELAYS:
            fired: asyncio.Future[float] = loop.create_future()
            loop.call_later(delay, lambda f=fired: f.set_result(loop.time()))
            waits.append((delay, loop.time(), fired))
        return [(delay, await fired - began) for delay, began, fired in waits]

    loop = PreciseEventLoop(qapp)
    try:
        waited = loop.run_until_complete(fired_after())
        # call_at and asyncio.sleep go through the same timers.
        began = loop.time()
        loop.run_until_complete(asyncio.sleep(0.25))
        slept = loop.time() - began
    finally:
        loop.close()
    early = [(delay, round(took, 4)) for delay, took in waited if took < delay]
    assert not early, early
    assert slept >= 0.25
    # Not late either, beyond a loaded machine's scheduling.
    assert all(took < delay + 0.5 for delay, took in waited), waited
