"""The system's default microphone or speaker on Windows, read through MMDevice (pycaw).

PortAudio's MME and WASAPI defaults are the "console" role's default endpoint; its endpoint
ID string changes exactly when the user picks another default device.
"""

from __future__ import annotations

import sys

from voicelive_desktop.audio.devices import Direction

assert sys.platform == "win32"

from pycaw.constants import EDataFlow, ERole  # noqa: E402
from pycaw.utils import AudioUtilities  # noqa: E402


def default_device_id(direction: Direction) -> str | None:
    """The default endpoint's ID; None when there is no device in that direction.

    Called on the asyncio loop thread, which is the Qt main thread (COM is initialised
    there by Qt, and by comtypes when it is first imported).
    """
    flow = EDataFlow.eCapture if direction is Direction.INPUT else EDataFlow.eRender
    enumerator = AudioUtilities.GetDeviceEnumerator()
    try:
        device = enumerator.GetDefaultAudioEndpoint(flow.value, ERole.eConsole.value)
    except OSError:  # comtypes' COMError (E_NOTFOUND: no device in that direction)
        return None
    return str(device.GetId())
