"""The system's default microphone or speaker on macOS, read from CoreAudio through ctypes.

One property read of the system object (kAudioHardwarePropertyDefault{Input,Output}Device)
gives the default device's AudioObjectID; no dependency is needed for one C call.
"""

from __future__ import annotations

import ctypes
import sys

from voicelive_desktop.audio.devices import Direction

assert sys.platform == "darwin"

_CORE_AUDIO = ctypes.CDLL("/System/Library/Frameworks/CoreAudio.framework/CoreAudio")
_SYSTEM_OBJECT = 1  # kAudioObjectSystemObject
_MAIN_ELEMENT = 0  # kAudioObjectPropertyElementMain


def _four_char_code(code: str) -> int:
    return int.from_bytes(code.encode("ascii"), "big")


_SELECTORS = {
    Direction.INPUT: _four_char_code("dIn "),  # kAudioHardwarePropertyDefaultInputDevice
    Direction.OUTPUT: _four_char_code("dOut"),  # kAudioHardwarePropertyDefaultOutputDevice
}
_GLOBAL_SCOPE = _four_char_code("glob")  # kAudioObjectPropertyScopeGlobal


class _PropertyAddress(ctypes.Structure):
    """AudioObjectPropertyAddress."""

    _fields_ = [
        ("selector", ctypes.c_uint32),
        ("scope", ctypes.c_uint32),
        ("element", ctypes.c_uint32),
    ]


_get_property = _CORE_AUDIO.AudioObjectGetPropertyData
_get_property.restype = ctypes.c_int32  # OSStatus
_get_property.argtypes = [
    ctypes.c_uint32,
    ctypes.POINTER(_PropertyAddress),
    ctypes.c_uint32,
    ctypes.c_void_p,
    ctypes.POINTER(ctypes.c_uint32),
    ctypes.c_void_p,
]


def default_device_id(direction: Direction) -> str | None:
    """The default device's AudioObjectID as text; None when there is none."""
    address = _PropertyAddress(_SELECTORS[direction], _GLOBAL_SCOPE, _MAIN_ELEMENT)
    device = ctypes.c_uint32(0)
    size = ctypes.c_uint32(ctypes.sizeof(device))
    status = _get_property(
        _SYSTEM_OBJECT, ctypes.byref(address), 0, None, ctypes.byref(size), ctypes.byref(device)
    )
    if status != 0 or device.value == 0:  # 0 is kAudioObjectUnknown: no such device
        return None
    return str(device.value)
