"""Settings-file migrations: one step per version, raw JSON of version N → version N + 1.

Each step works on the parsed JSON object, before it is turned into typed settings, so it can
rename, move or reinterpret keys that the current dataclasses no longer have. A step never
fails on odd input: the typed loader after it resets whatever is still invalid to defaults.

To change the settings' shape: bump `SETTINGS_VERSION` in settings.py and add the step that
takes the previous version's file to the new one here, with a test that loads a checked-in
file of the previous version (tests/data/settings-v*.json).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

log = logging.getLogger(__name__)

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _add_tool_policies(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 adds the user's per-tool policies (Preferences → Tools); a version-1 file
    has chosen none, so every tool starts with its default policy."""
    tools = data.get("tools")
    if not isinstance(tools, dict):
        tools = {}
    if not isinstance(tools.get("policies"), dict):
        tools["policies"] = {}
    data["tools"] = tools
    return data


def _echo_cancellation_becomes_a_mode(data: dict[str, Any]) -> dict[str, Any]:
    """v2 -> v3: the server echo cancellation checkbox became a choice of four modes.

    Ticked (the old default) becomes the new default, the service with this computer's
    playback as the reference; unticked stays off.
    """
    session = data.get("session")
    if isinstance(session, dict) and isinstance(session.get("echo_cancellation"), bool):
        ticked = session["echo_cancellation"]
        session = dict(session)
        session["echo_cancellation"] = "service_client_reference" if ticked else "off"
        data["session"] = session
    return data


# MIGRATIONS[n] takes a version-n file to version n + 1.
MIGRATIONS: dict[int, Migration] = {
    1: _add_tool_policies,
    2: _echo_cancellation_becomes_a_mode,
}


class SettingsFromNewerVersion(Exception):
    """The file was written by a newer app: its keys may mean something this one can't know."""


def file_version(data: Mapping[str, Any]) -> int:
    """The version a settings file says it has; files from before versioning count as 1."""
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        return 1
    return version


def migrate(
    data: dict[str, Any],
    target: int,
    steps: Mapping[int, Migration] | None = None,
) -> tuple[dict[str, Any], list[int]]:
    """Run every step from the file's version up to `target`; returns the data and the
    versions migrated from. Raises SettingsFromNewerVersion for a file newer than `target`."""
    steps = MIGRATIONS if steps is None else steps
    version = file_version(data)
    if version > target:
        raise SettingsFromNewerVersion(
            f"the settings file is version {version}; this app knows up to version {target}"
        )
    applied: list[int] = []
    while version < target:
        step = steps.get(version)
        if step is None:
            raise KeyError(f"no settings migration from version {version}")
        data = step(dict(data))
        applied.append(version)
        version += 1
        data["version"] = version
        log.info("settings: migrated from version %d to %d", version - 1, version)
    return data, applied
