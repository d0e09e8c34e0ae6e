"""The global hotkey: a pynput keyboard listener that works while another app has focus."""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any

from voicelive_desktop.push_to_talk.hotkey import HotkeyChord, InvalidHotkey, parse_hotkey

log = logging.getLogger(__name__)

_READY_TIMEOUT_S = 3.0

WAYLAND_MESSAGE = (
    "Global hotkeys are not possible on Wayland: the desktop does not let apps watch the "
    "keyboard. Use the key inside the window, or bind a desktop shortcut to "
    "`voicelive-desktop --ptt toggle`."
)
MACOS_ACCESS_MESSAGE = (
    "macOS has not allowed this app to watch the keyboard, so the global hotkey is off. "
    "Allow it in System Settings > Privacy & Security > Accessibility (and Input Monitoring), "
    "then restart the app."
)


class HotkeyUnavailable(RuntimeError):
    """The global hotkey cannot work here; the message says why and what to do instead."""


def global_hotkey_blocker(
    environ: Mapping[str, str] = os.environ, platform: str = sys.platform
) -> str | None:
    """Why a global hotkey cannot work in this desktop session, or None if it may."""
    if platform.startswith("linux") or "bsd" in platform:
        if environ.get("XDG_SESSION_TYPE") == "wayland" or environ.get("WAYLAND_DISPLAY"):
            return WAYLAND_MESSAGE
        if not environ.get("DISPLAY"):
            return "There is no X display, so the global hotkey is off; use the key in the window."
    return None


def _key_name(key: Any) -> str | None:
    """pynput's Key (`.name`) or KeyCode (`.char`, else `.vk`) as a hotkey name."""
    name = getattr(key, "name", None)
    if isinstance(name, str):
        return name
    char = getattr(key, "char", None)
    if isinstance(char, str) and char:
        return char
    vk = getattr(key, "vk", None)
    return f"<{vk}>" if vk is not None else None


class GlobalHotkey:
    """Owns one pynput listener thread that reports one key combination going down and up.

    `on_down`/`on_up` run on pynput's thread: hand them over to the GUI or event loop
    (a queued Qt signal or `call_soon_threadsafe`); never touch widgets from them.
    """

    def __init__(self, hotkey: str, on_down: Callable[[], None], on_up: Callable[[], None]):
        self.hotkey = hotkey
        self._on_down = on_down
        self._on_up = on_up
        self._listener: Any = None

    @property
    def running(self) -> bool:
        return self._listener is not None

    def start(self) -> None:
        """Start listening; raises HotkeyUnavailable (saying why) or InvalidHotkey."""
        blocker = global_hotkey_blocker()
        if blocker:
            raise HotkeyUnavailable(blocker)
        try:
            # pynput connects to the display on import, and raises ImportError without one.
            from pynput import keyboard
        except ImportError as exc:
            log.info("pynput unavailable: %s", exc)
            raise HotkeyUnavailable(
                "The global hotkey is not available on this desktop; use the key in the window."
            ) from None
        keys = parse_hotkey(self.hotkey, frozenset(k.name for k in keyboard.Key))
        chord = HotkeyChord(keys, self._on_down, self._on_up)

        def pressed(key: Any) -> None:
            name = _key_name(key)
            if name is not None:
                chord.key_pressed(name)

        def released(key: Any) -> None:
            name = _key_name(key)
            if name is not None:
                chord.key_released(name)

        listener = keyboard.Listener(on_press=pressed, on_release=released)
        listener.daemon = True
        listener.start()
        if not _wait_ready(listener):
            listener.stop()
            raise HotkeyUnavailable(
                "The global hotkey listener did not start; use the key in the window."
            )
        if getattr(listener, "IS_TRUSTED", True) is False:
            listener.stop()
            raise HotkeyUnavailable(MACOS_ACCESS_MESSAGE)
        self._listener = listener
        log.info("global hotkey %s active", self.hotkey)

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop()
            listener.join(2.0)


def _wait_ready(listener: Any) -> bool:
    """pynput's `wait()` blocks forever if its thread dies before it is ready: bound it."""
    waiter = threading.Thread(target=listener.wait, daemon=True)
    waiter.start()
    waiter.join(_READY_TIMEOUT_S)
    return not waiter.is_alive() and bool(listener.is_alive())


__all__ = ["GlobalHotkey", "HotkeyUnavailable", "InvalidHotkey", "global_hotkey_blocker"]
