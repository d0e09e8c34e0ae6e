"""Preferences → Tools: every tool with its description, risk and policy; live and persisted."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.helpers import AppUnderTest
from voicelive_desktop.settings import SettingsStore
from voicelive_desktop.tools.clock import clock_tool
from voicelive_desktop.tools.registry import ToolPolicy, ToolRegistry, ToolRisk, ToolSpec
from voicelive_desktop.ui.sessions import text_session
from voicelive_desktop.ui.tools_page import ToolsPage, first_sentence


async def _noop(arguments: Mapping[str, Any]) -> str:
    return "ok"


def _spec(name: str, risk: ToolRisk, default: ToolPolicy, source: str = "built-in") -> ToolSpec:
    return ToolSpec(
        name=name,
        description=f"Does the {name} thing.",
        parameters={"type": "object", "properties": {}},
        handler=_noop,
        risk=risk,
        default_policy=default,
        source=source,
    )


def _registry() -> ToolRegistry:
    registry = ToolRegistry({"open_url": ToolPolicy.OFF})
    registry.register(_spec("get_current_time", ToolRisk.SAFE, ToolPolicy.ALWAYS_ALLOW))
    registry.register(_spec("open_url", ToolRisk.OPENS_THINGS, ToolPolicy.ASK))
    return registry


def _row(page: ToolsPage, name: str) -> list[str]:
    table = page.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == name)
    return [table.item(row, c).text() for c in range(3)] + [page.policy_boxes[name].currentText()]


def test_the_page_lists_each_tool_with_description_risk_and_policy(qtbot: QtBot) -> None:
    page = ToolsPage(_registry())
    qtbot.addWidget(page)
    assert _row(page, "get_current_time") == [
        "get_current_time",
        "Does the get_current_time thing.",
        "Safe",
        "Always allow",
    ]
    assert _row(page, "open_url") == ["open_url", "Does the open_url thing.", "Opens things", "Off"]
    assert page.table.accessibleName()
    box = page.policy_boxes["open_url"]
    interface = QAccessible.queryAccessibleInterface(box)
    assert interface is not None
    # Qt reads a combo box by its current item; the description names the tool.
    assert interface.text(QAccessible.Text.Name) == "Off"
    assert interface.text(QAccessible.Text.Description).startswith("Policy for open_url")


@pytest.mark.parametrize(
    ("description", "shown"),
    [
        (
            "Get the user's local date, time and time zone. Use it whenever the user asks.",
            "Get the user's local date, time and time zone.",
        ),
        ("Open a page (http or https only).", "Open a page (http or https only)."),
        ("Roll dice, e.g. 2d6. Returns\n  the total.", "Roll dice, e.g. 2d6."),
        ("Version 1.2 of the tool", "Version 1.2 of the tool"),
        ("", ""),
    ],
)  # fmt: skip
def test_descriptions_show_their_first_sentence_and_the_rest_in_a_tooltip(
    description: str, shown: str
) -> None:
    assert first_sentence(description) == shown


def test_the_built_in_clock_reads_as_what_it_does(qtbot: QtBot) -> None:
    registry = ToolRegistry()
    registry.register(clock_tool())
    page = ToolsPage(registry)
    qtbot.addWidget(page)
    item = page.table.item(0, 1)
    assert item.text() == "Get the user's local date, time and time zone."
    assert item.toolTip() == clock_tool().description


def test_a_changed_policy_reaches_the_registry_at_once(qtbot: QtBot) -> None:
    registry = _registry()
    heard: list[list[str]] = []
    registry.subscribe(lambda: heard.append([s.name for s in registry.enabled()]))
    page = ToolsPage(registry)
    qtbot.addWidget(page)
    box = page.policy_boxes["open_url"]
    box.setCurrentIndex(box.findData(ToolPolicy.ASK.value))
    assert registry.policy("open_url") is ToolPolicy.ASK
    assert heard[-1] == ["get_current_time", "open_url"]  # offered to the model again


def test_the_page_follows_changes_made_elsewhere(qtbot: QtBot) -> None:
    registry = _registry()
    page = ToolsPage(registry)
    qtbot.addWidget(page)
    registry.set_policy("open_url", ToolPolicy.ALWAYS_ALLOW)  # "Always allow" in a prompt
    assert page.policy_boxes["open_url"].currentText() == "Always allow"
    registry.register(_spec("roll", ToolRisk.EXTERNAL, ToolPolicy.ASK, source="mcp:dice"))
    assert _row(page, "roll") == ["roll", "Does the roll thing.", "External code", "Ask each time"]
    registry.unregister_source("mcp:dice")
    assert "roll" not in page.policy_boxes
    page.stop_following()
    registry.set_policy("open_url", ToolPolicy.OFF)
    assert page.policy_boxes["open_url"].currentText() == "Always allow"


def test_a_page_destroyed_without_closing_stops_following(qtbot: QtBot) -> None:
    registry = _registry()
    parent = QWidget()
    page = ToolsPage(registry, parent)
    parent.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(page))
    # Raised "Internal C++ object already deleted" while the page stayed subscribed.
    registry.set_policy("open_url", ToolPolicy.ALWAYS_ALLOW)


def _policies_on_disk(config: Path) -> dict[str, str]:
    return dict(json.loads((config / "settings.json").read_text())["tools"]["policies"])


def test_policies_chosen_in_preferences_are_saved_and_survive_a_restart(
    app_under_test: AppUnderTest, isolated_env: Path, qtbot: QtBot
) -> None:
    app = app_under_test
    registry = app.controller.tools.registry
    registry.register(_spec("open_url", ToolRisk.OPENS_THINGS, ToolPolicy.ASK))
    dialog = app.controller.open_preferences()
    page = dialog.tools_page
    assert page is not None
    assert dialog.tabs.tabText(dialog.tabs.indexOf(page)) == "Tools"
    box = page.policy_boxes["open_url"]
    box.setCurrentIndex(box.findData(ToolPolicy.OFF.value))
    assert _policies_on_disk(isolated_env) == {"open_url": "off"}  # saved without OK
    # OK on the dialog's other settings does not write back the policies it opened with.
    dialog.editors["voice"].enter("en-US-AvaNeural")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert _policies_on_disk(isolated_env) == {"open_url": "off"}
    assert app.controller.settings.session.voice.name == "en-US-AvaNeural"

    restarted = AppUnderTest(qtbot, isolated_env, text_session)
    assert restarted.controller.tools.registry.policy("open_url") is ToolPolicy.OFF
    assert SettingsStore(isolated_env).load().settings.tools.policies == {
        "open_url": ToolPolicy.OFF
    }
