"""What a described setting is: its name, meaning, place in AppSettings, editor and timing.

`ui.setting_fields` lists the app's settings with these; Preferences and the session panel
build their editors from that list (through `ui.setting_form`).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from voicelive_desktop.settings import AppSettings
from voicelive_desktop.ui.field_editor import Bounds, EditorSpec


class Applies(enum.Enum):
    """When a change takes effect."""

    LIVE = "live"  # the open session uses it at once (a session.update, a device switch)
    RECONNECT = "reconnect"  # only a new session uses it
    APP = "app"  # the app itself changes at once; no session involved


@dataclass(frozen=True)
class SettingField:
    """One editable setting: name, meaning, where it lives, how it is edited, when it applies."""

    key: str
    label: str
    description: str  # tooltip and accessible description
    read: Callable[[AppSettings], Any]
    write: Callable[[AppSettings, Any], AppSettings]
    editor: EditorSpec
    applies: Applies = Applies.LIVE
    # False when the setting means nothing with the other settings as they are (greyed out).
    relevant: Callable[[AppSettings], bool] = lambda _settings: True
    # The numeric range allowed with the other settings as they are (None: the editor's own).
    bounds: Callable[[AppSettings], Bounds] | None = None
    # What the editor needs from other settings to show this one (None: nothing).
    context: Callable[[AppSettings], Any] | None = None
    # The values a choice offers with the other settings as they are (None: all of them).
    # `read` must then show a value among them.
    options: Callable[[AppSettings], Collection[Any]] | None = None
    # Why the setting does not apply, said beside the greyed-out editor ("": it applies).
    unavailable: Callable[[AppSettings], str] | None = None


def at_path(
    path: str,
) -> tuple[Callable[[AppSettings], Any], Callable[[AppSettings, Any], AppSettings]]:
    """Reader and writer for a dotted path such as 'session.turn_detection.threshold'."""
    names = path.split(".")

    def read(settings: AppSettings) -> Any:
        value: Any = settings
        for name in names:
            value = getattr(value, name)
        return value

    def write(settings: AppSettings, value: Any) -> AppSettings:
        def put(obj: Any, rest: list[str]) -> Any:
            if len(rest) == 1:
                return dataclasses.replace(obj, **{rest[0]: value})
            return dataclasses.replace(obj, **{rest[0]: put(getattr(obj, rest[0]), rest[1:])})

        result: AppSettings = put(settings, names)
        return result

    return read, write


def field_at(
    key: str, label: str, description: str, path: str, editor: EditorSpec, **more: Any
) -> SettingField:
    read, write = at_path(path)
    return SettingField(key, label, description, read, write, editor, **more)


def fold(settings: AppSettings, values: Iterable[tuple[SettingField, Any]]) -> AppSettings:
    """`settings` with each field's value written in."""
    for setting, value in values:
        settings = setting.write(settings, value)
    return settings
