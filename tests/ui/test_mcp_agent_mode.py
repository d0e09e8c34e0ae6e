"""While a Foundry agent answers, no MCP server runs (the agent brings its own tools): the
list says why, running servers stop when the profile switches, and start again after."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from pytestqt.qtbot import QtBot

from tests.fixtures.mcp_servers import child_pids
from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.session_settings import (
    AuthMethod,
    ConnectionProfile,
    FoundryAgentSettings,
)
from voicelive_desktop.mcp_bridge.example import example_local_config, example_remote_config
from voicelive_desktop.mcp_bridge.secrets import ServerSecrets
from voicelive_desktop.mcp_bridge.status import ServerState
from voicelive_desktop.settings import AppSettings, SettingsStore
from voicelive_desktop.ui.mcp_servers_section import AGENT_MODE_REASON, AGENT_MODE_STATUS
from voicelive_desktop.ui.sessions import text_session

pytestmark = pytest.mark.asyncio


def with_profile(settings: AppSettings, profile: ConnectionProfile) -> AppSettings:
    connection = dataclasses.replace(
        settings.connection,
        profile=profile,
        auth=AuthMethod.ENTRA_ID,
        agent=FoundryAgentSettings(agent_name="HelpDesk", project_name="contoso"),
    )
    return dataclasses.replace(settings, connection=connection)


def add_example(app: AppUnderTest) -> None:
    for config in (example_local_config(), example_remote_config()):
        app.controller.mcp.save_server(config, ServerSecrets())


async def test_switching_to_an_agent_stops_every_server_and_back_starts_them(
    qtbot: QtBot, isolated_env: Path
) -> None:
    before = child_pids()
    app = AppUnderTest(qtbot, isolated_env, text_session)
    binding = app.controller.mcp
    registry = app.controller.tools.registry
    try:
        add_example(app)
        await wait_until(lambda: registry.get("dice__roll_dice") is not None, what="dice tools")
        await wait_until(
            lambda: binding.status("dice-remote").state is ServerState.RUNNING, what="host"
        )
        assert len(child_pids() - before) == 2  # the stdio server and the remote example's host
        assert binding.remote_servers()

        app.controller.apply_preferences(
            with_profile(app.controller.settings, ConnectionProfile.FOUNDRY_AGENT), ""
        )
        await wait_until(lambda: child_pids() - before == set(), what="every server stopped")
        assert registry.get("dice__roll_dice") is None
        assert binding.remote_servers() == []
        section = app.controller.open_preferences().mcp_section
        grey = section.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        for row in range(2):  # the local entry and the remote one alike
            assert section.table.item(row, 3).text() == AGENT_MODE_STATUS
            for column in range(4):
                item = section.table.item(row, column)
                assert item.toolTip() == AGENT_MODE_REASON
                assert item.data(Qt.ItemDataRole.AccessibleDescriptionRole) == AGENT_MODE_REASON
                assert item.foreground().color() == grey
        section.table.selectRow(0)
        assert AGENT_MODE_REASON in section.details.text()
        assert not section.restart_button.isEnabled()
        await binding.bridge.restart("dice")  # nothing to restart while the agent answers
        await binding.bridge.restart("dice-remote")
        assert child_pids() - before == set()
        app.controller.preferences.close()  # type: ignore[union-attr]

        app.controller.apply_preferences(
            with_profile(app.controller.settings, ConnectionProfile.MODEL), ""
        )
        await wait_until(lambda: registry.get("dice__roll_dice") is not None, what="restarted")
        await wait_until(lambda: len(child_pids() - before) == 2, what="both processes back")
        section = app.controller.open_preferences().mcp_section
        assert section.table.item(0, 3).text().startswith("running, 1 tool")
        assert section.table.item(1, 3).text().startswith("called by the service")
        assert section.table.item(0, 3).toolTip() != AGENT_MODE_REASON
    finally:
        await app.controller.shutdown()
    await wait_until(lambda: child_pids() - before == set(), what="no MCP process left")


async def test_an_app_started_in_agent_mode_starts_no_server(
    qtbot: QtBot, isolated_env: Path
) -> None:
    settings = with_profile(AppSettings(), ConnectionProfile.FOUNDRY_AGENT)
    SettingsStore(isolated_env).save(settings)
    before = child_pids()
    app = AppUnderTest(qtbot, isolated_env, text_session)
    try:
        add_example(app)
        await app.controller.start()  # no credentials: it asks, and starts the servers it may
        await app.controller.wait_idle()
        await binding_settled(app)
        assert child_pids() - before == set()
        assert app.controller.tools.registry.get("dice__roll_dice") is None
        assert app.controller.mcp.status("dice").state is ServerState.STOPPED
    finally:
        if app.controller.welcome is not None:
            app.controller.welcome.close()
        await app.controller.shutdown()


async def binding_settled(app: AppUnderTest) -> None:
    """Let the binding's apply tasks (started by each save and at start) finish."""
    tasks = list(app.controller.mcp._tasks)
    for task in tasks:
        await task
