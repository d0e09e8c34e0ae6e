"""Real X key events for the X11 push-to-talk tests: xdotool, run without blocking the loop."""

from __future__ import annotations

import asyncio
import shutil

import pytest


async def xdotool(*args: str) -> None:
    """Run xdotool (XTEST: the events come from the X server, as from a keyboard)."""
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (apt-get install xdotool)")
    process = await asyncio.create_subprocess_exec("xdotool", *args)
    assert await asyncio.wait_for(process.wait(), 10) == 0, f"xdotool {args} failed"


async def hold(keys: str, seconds: float) -> None:
    """Hold `keys` (xdotool syntax, e.g. ctrl+alt+space) long enough for X auto-repeat."""
    await xdotool("keydown", keys)
    await asyncio.sleep(seconds)
    await xdotool("keyup", keys)
