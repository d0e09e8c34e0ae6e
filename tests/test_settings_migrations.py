"""Settings migrations: the step chain, files from newer apps, and a real version-1 file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from voicelive_desktop.engine.session_settings import EchoCancellationMode
from voicelive_desktop.settings import SETTINGS_VERSION, AppSettings, SettingsStore, ToolSettings
from voicelive_desktop.settings_migrations import (
    MIGRATIONS,
    SettingsFromNewerVersion,
    file_version,
    migrate,
)
from voicelive_desktop.tools.registry import ToolPolicy

DATA = Path(__file__).parent / "data"


def _rename_theme(data: dict[str, Any]) -> dict[str, Any]:
    ui = data.setdefault("ui", {})
    if "colour_scheme" in ui:
        ui["theme"] = ui.pop("colour_scheme")
    return data


def _add_marker(data: dict[str, Any]) -> dict[str, Any]:
    data["marker"] = data.get("marker", 0) + 1
    return data


def test_steps_run_in_order_from_the_files_version_up_to_the_target() -> None:
    steps = {1: _rename_theme, 2: _add_marker, 3: _add_marker}
    data, applied = migrate({"version": 2, "ui": {"colour_scheme": "dark"}}, 4, steps)
    assert applied == [2, 3]
    assert data["version"] == 4
    assert data["marker"] == 2
    assert data["ui"] == {"colour_scheme": "dark"}  # step 1 did not run on a version-2 file


def test_a_file_without_a_version_counts_as_version_1() -> None:
    data, applied = migrate({"ui": {"colour_scheme": "light"}}, 2, {1: _rename_theme})
    assert applied == [1]
    assert data["ui"] == {"theme": "light"}
    assert file_version({"version": "two"}) == 1
    assert file_version({"version": True}) == 1


def test_a_missing_step_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="from version 2"):
        migrate({"version": 2}, 3, {1: _rename_theme})


def test_a_file_from_a_newer_app_is_refused_by_migrate() -> None:
    with pytest.raises(SettingsFromNewerVersion, match="version 9"):
        migrate({"version": 9}, 2, {})


def test_every_version_below_the_current_one_has_a_step() -> None:
    assert sorted(MIGRATIONS) == list(range(1, SETTINGS_VERSION))


def test_the_checked_in_version_1_file_loads_with_its_values(tmp_path: Path) -> None:
    shutil.copy(DATA / "settings-v1.json", tmp_path / "settings.json")
    original = json.loads((DATA / "settings-v1.json").read_text())
    loaded = SettingsStore(tmp_path).load()
    assert loaded.message is None
    settings = loaded.settings
    assert settings.version == SETTINGS_VERSION
    assert settings.connection.endpoint == original["connection"]["endpoint"]
    assert settings.session.voice.name == original["session"]["voice"]["name"]
    assert settings.session.temperature == original["session"]["temperature"]
    assert settings.push_to_talk.enabled == original["push_to_talk"]["enabled"]
    assert settings.ui.theme.value == original["ui"]["theme"]
    # The v1 echo checkbox (unticked in this file) became the mode "off".
    assert original["session"]["echo_cancellation"] is False
    assert settings.session.echo_cancellation is EchoCancellationMode.OFF


def test_the_checked_in_version_2_file_loads_with_its_echo_choice(tmp_path: Path) -> None:
    shutil.copy(DATA / "settings-v2.json", tmp_path / "settings.json")
    loaded = SettingsStore(tmp_path).load()
    assert loaded.message is None
    assert loaded.settings.session.echo_cancellation is EchoCancellationMode.OFF


def test_a_ticked_v1_echo_checkbox_becomes_the_client_reference_mode(tmp_path: Path) -> None:
    data = json.loads((DATA / "settings-v1.json").read_text())
    data["session"]["echo_cancellation"] = True
    (tmp_path / "settings.json").write_text(json.dumps(data))
    loaded = SettingsStore(tmp_path).load()
    assert loaded.message is None
    assert (
        loaded.settings.session.echo_cancellation
        is EchoCancellationMode.SERVICE_WITH_CLIENT_REFERENCE
    )


@pytest.mark.allow_log_warnings(r"settings: settings: the settings file is version")
def test_a_newer_file_loads_what_is_known_and_says_so(tmp_path: Path) -> None:
    data = json.loads((DATA / "settings-v1.json").read_text())
    data["version"] = SETTINGS_VERSION + 5
    data["session"]["echo_cancellation"] = "off"  # a newer file has at least today's shape
    data["from_the_future"] = {"x": 1}
    (tmp_path / "settings.json").write_text(json.dumps(data))
    loaded = SettingsStore(tmp_path).load()
    assert loaded.message is not None and "newer version" in loaded.message
    assert loaded.settings.connection.endpoint == data["connection"]["endpoint"]


def test_version_1_gains_an_empty_tool_policy_section(tmp_path: Path) -> None:
    shutil.copy(DATA / "settings-v1.json", tmp_path / "settings.json")
    settings = SettingsStore(tmp_path).load().settings
    assert settings.tools.policies == {}
    data, applied = migrate(json.loads((DATA / "settings-v1.json").read_text()), 2)
    assert applied == [1]
    assert data["tools"] == {"policies": {}}
    assert migrate({"version": 1, "tools": "junk"}, 2)[0]["tools"] == {"policies": {}}


def test_tool_policies_are_saved_and_loaded_by_name(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    chosen = {"open_url": ToolPolicy.ALWAYS_ALLOW, "mcp_dice_roll": ToolPolicy.OFF}
    store.save(AppSettings(tools=ToolSettings(policies=chosen)))
    on_disk = json.loads(store.path.read_text())
    assert on_disk["version"] == SETTINGS_VERSION
    assert on_disk["tools"]["policies"] == {"open_url": "always_allow", "mcp_dice_roll": "off"}
    loaded = store.load()
    assert loaded.message is None
    assert loaded.settings.tools.policies == chosen


@pytest.mark.allow_log_warnings(
    r"settings: settings: reset invalid values to defaults: tools\.policies"
)
def test_an_unknown_policy_drops_that_tool_only_and_says_so(tmp_path: Path) -> None:
    data = {"version": SETTINGS_VERSION, "tools": {"policies": {"a": "maybe", "b": "ask"}}}
    (tmp_path / "settings.json").write_text(json.dumps(data))
    loaded = SettingsStore(tmp_path).load()
    assert loaded.settings.tools.policies == {"b": ToolPolicy.ASK}
    assert loaded.message is not None and "tools.policies.a" in loaded.message
