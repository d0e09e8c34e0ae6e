"""Reads freedesktop .desktop files the way a launcher does, for the packaging tests."""

from __future__ import annotations

import configparser
from pathlib import Path


def read_entry(path: Path, group: str = "Desktop Entry") -> dict[str, str]:
    """The keys of one group of a .desktop file (case kept, no interpolation)."""
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return dict(parser[group])


def exec_argv(exec_value: str) -> list[str]:
    """Splits an Exec value into argv per the Desktop Entry spec's quoting rules."""
    argv: list[str] = []
    current = ""
    quoted = False
    started = False
    chars = iter(exec_value)
    for char in chars:
        if quoted and char == "\\":
            current += next(chars, "")
        elif char == '"':
            quoted = not quoted
            started = True
        elif char == " " and not quoted:
            if started:
                argv.append(current)
            current, started = "", False
        else:
            current += char
            started = True
    if quoted:
        raise ValueError(f"unterminated quote in Exec={exec_value}")
    if started:
        argv.append(current)
    return [arg for arg in argv if not (len(arg) == 2 and arg.startswith("%"))]
