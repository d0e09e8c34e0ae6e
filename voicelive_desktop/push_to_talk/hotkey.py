"""Global hotkey combinations: parsing pynput's syntax and telling a hold from auto-repeat."""

from __future__ import annotations

from collections.abc import Callable

# Left/right variants count as the plain modifier, as in pynput's own HotKey.
_SIDED = ("ctrl", "alt", "shift", "cmd")


class InvalidHotkey(ValueError):
    """A hotkey text that is not in pynput's `<ctrl>+<alt>+<space>` form."""


def canonical_key_name(name: str) -> str:
    """`ctrl_l` -> `ctrl`, `A` -> `a`; other names unchanged."""
    for modifier in _SIDED:
        if name in (f"{modifier}_l", f"{modifier}_r"):
            return modifier
    return name.lower() if len(name) == 1 else name


def parse_hotkey(text: str, known_names: frozenset[str] | None = None) -> frozenset[str]:
    """The key names in `text`, e.g. `<ctrl>+<alt>+<space>` -> {ctrl, alt, space}.

    `known_names` (pynput's `Key` names) checks each `<name>`; None skips that check.
    """
    parts = text.strip().split("+") if text.strip() else []
    names: set[str] = set()
    for part in parts:
        part = part.strip()
        if len(part) > 2 and part.startswith("<") and part.endswith(">"):
            name = part[1:-1].lower()
            if known_names is not None and name not in known_names:
                raise InvalidHotkey(f"The hotkey {text!r} names an unknown key <{name}>.")
            names.add(canonical_key_name(name))
        elif len(part) == 1:
            names.add(part.lower())
        else:
            raise InvalidHotkey(
                f"The hotkey {text!r} is not valid: write keys like <ctrl>+<alt>+<space> or <f9>."
            )
    if not names:
        raise InvalidHotkey("The global hotkey is empty: write one like <ctrl>+<alt>+<space>.")
    return frozenset(names)


class HotkeyChord:
    """Owns which keys are down and reports the chord going down and up exactly once each.

    X repeats the press of a held key about 14 times a second and pynput does not mark the
    repeats, so only a change of the held set can fire: a repeat changes nothing.
    """

    def __init__(
        self,
        keys: frozenset[str],
        on_down: Callable[[], None],
        on_up: Callable[[], None],
    ) -> None:
        self.keys = keys
        self._on_down = on_down
        self._on_up = on_up
        self._held: set[str] = set()
        self._down = False

    def key_pressed(self, name: str) -> None:
        self._held.add(canonical_key_name(name))
        self._update()

    def key_released(self, name: str) -> None:
        self._held.discard(canonical_key_name(name))
        self._update()

    def _update(self) -> None:
        down = self.keys <= self._held
        if down != self._down:
            self._down = down
            (self._on_down if down else self._on_up)()
