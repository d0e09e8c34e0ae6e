"""PyInstaller runtime hook: makes sounddevice load the PortAudio library the bundle carries.

On Linux sounddevice asks `ctypes.util.find_library("portaudio")`, which only consults the
system linker cache, so without this hook the frozen app silently depends on the distro's
libportaudio2 and fails with "PortAudio library not found" where that is not installed.
(The Windows and macOS wheels ship PortAudio inside sounddevice's own data folder.)
"""

import ctypes.util
import os
import sys

_bundle_dir = getattr(sys, "_MEIPASS", "")
_system_find_library = ctypes.util.find_library


def _find_library(name: str) -> str | None:
    if name == "portaudio":
        for candidate in ("libportaudio.so.2", "libportaudio.so"):
            path = os.path.join(_bundle_dir, candidate)
            if os.path.isfile(path):
                return path
    return _system_find_library(name)


ctypes.util.find_library = _find_library
