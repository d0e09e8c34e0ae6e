"""Following the system's default microphone and speaker when the user changes them.

PortAudio reads the default devices once, when it initialises. On Linux that does not matter:
PortAudio's "default" device is the sound server's (PulseAudio, PipeWire), which moves open
streams itself when the user picks another default. On Windows and macOS a stream stays on
the device that was the default at initialisation, so the app must notice the change and
re-initialise PortAudio. A `DefaultProbe` reads the default's identity through the platform's
own audio API, which sees changes at once and needs no PortAudio re-initialisation
(system_default_windows: MMDevice through pycaw; system_default_macos: CoreAudio through
ctypes); `DefaultDeviceWatch` compares it with what PortAudio was initialised with. The
supervisor asks once per tick: the probe costs microseconds.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable

from voicelive_desktop.audio.devices import Direction

log = logging.getLogger(__name__)

# The identity of the system's default device in a direction (any stable text), or None
# when there is none or it cannot be read just now.
DefaultProbe = Callable[[Direction], str | None]


def platform_default_probe() -> DefaultProbe | None:
    """This platform's probe; None where the sound server moves the streams itself."""
    if sys.platform == "win32":
        from voicelive_desktop.audio.system_default_windows import default_device_id

        return default_device_id
    if sys.platform == "darwin":
        from voicelive_desktop.audio.system_default_macos import default_device_id

        return default_device_id
    return None


class DefaultDeviceWatch:
    """Tells which directions' system default is no longer the one PortAudio last saw.

    `initialised()` records the defaults as PortAudio sees them (call it right after
    PortAudio (re)initialises); `moved()` names the directions whose default differs since.
    The first look records instead of comparing: PortAudio started at most moments earlier.
    """

    def __init__(self, probe: DefaultProbe) -> None:
        self._probe = probe
        self._seen: dict[Direction, str | None] | None = None
        self._probe_failed = False

    def initialised(self) -> None:
        self._seen = {direction: self._read(direction) for direction in Direction}

    def moved(self, directions: Iterable[Direction]) -> list[Direction]:
        """Those of `directions` whose system default changed since PortAudio last saw it."""
        if self._seen is None:
            self.initialised()
            return []
        seen = self._seen
        moved = []
        for direction in directions:
            now = self._read(direction)
            # No default just now (the device is being removed): the stream's own failure
            # is what reports that, and the next default is picked up when it appears.
            if now is not None and now != seen.get(direction):
                moved.append(direction)
        return moved

    def _read(self, direction: Direction) -> str | None:
        try:
            identity = self._probe(direction)
        except Exception:  # a platform API failing must not stop the supervisor
            if not self._probe_failed:
                log.warning("cannot read the system's default %s", direction.value, exc_info=True)
            self._probe_failed = True
            return None
        return identity
