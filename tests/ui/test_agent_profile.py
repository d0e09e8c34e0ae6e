"""Agent mode in Preferences and the session panel: the profile, and what the agent controls."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.events import (
    AssistantTranscriptCompleted,
    SessionState,
    ToolCallFinished,
)
from voicelive_desktop.engine.session_settings import (
    AuthMethod,
    ConnectionProfile,
    FoundryAgentSettings,
)
from voicelive_desktop.settings import AppSettings, SettingsStore
from voicelive_desktop.ui.preferences_dialog import PreferencesDialog
from voicelive_desktop.ui.session_panel import SessionPanel
from voicelive_desktop.ui.sessions import text_session


def dialog_for(qtbot: QtBot, settings: AppSettings) -> PreferencesDialog:
    dialog = PreferencesDialog(settings, key_stored=False)
    qtbot.addWidget(dialog)
    return dialog


def test_choosing_a_foundry_agent_stores_it_signs_in_with_entra_and_locks_instructions(
    qtbot: QtBot,
) -> None:
    dialog = dialog_for(qtbot, AppSettings())
    instructions = dialog.form.editors["instructions"].widget
    assert instructions.isEnabled()
    box = dialog.agent_box
    box.agent_choice.setChecked(True)
    box.agent_name.setText("HelpDesk")
    box.project_name.setText("contoso-support")
    box.conversation_id.setText("conv_7")
    connection = dialog.current_settings().connection
    assert connection.profile is ConnectionProfile.FOUNDRY_AGENT
    assert connection.agent == FoundryAgentSettings("HelpDesk", "contoso-support", "", "conv_7")
    assert connection.auth is AuthMethod.ENTRA_ID
    assert not instructions.isEnabled()
    assert "Foundry agent HelpDesk" in dialog.form.editors["instructions"].focus.toolTip()
    assert dialog.needs_reconnect()
    tools_note = dialog._agent_notes[0]
    assert tools_note.isVisibleTo(dialog) or tools_note.text()
    assert "tools come from the Foundry agent HelpDesk" in tools_note.text()
    box.model_choice.setChecked(True)
    assert instructions.isEnabled()
    assert dialog.current_settings().connection.profile is ConnectionProfile.MODEL


def test_the_session_panel_shows_that_the_agent_sets_the_instructions(qtbot: QtBot) -> None:
    settings = AppSettings()
    agent = dataclasses.replace(
        settings.connection,
        profile=ConnectionProfile.FOUNDRY_AGENT,
        agent=FoundryAgentSettings("HelpDesk", "contoso"),
    )
    panel = SessionPanel(dataclasses.replace(settings, connection=agent))
    qtbot.addWidget(panel)
    editor = panel.editors["instructions"]
    assert not editor.widget.isEnabled() and "HelpDesk" in editor.focus.toolTip()
    assert "Instructions and tools come from the Foundry agent HelpDesk" in panel.agent_note.text()
    panel.show_settings(settings)
    assert editor.widget.isEnabled() and panel.agent_note.isHidden()


@pytest.mark.asyncio
async def test_the_offline_demo_plays_the_chosen_agent_and_shows_its_calls_as_cards(
    qtbot: QtBot, isolated_env: Path
) -> None:
    agent = FoundryAgentSettings(agent_name="HelpDesk", project_name="contoso-support")
    settings = AppSettings()
    connection = dataclasses.replace(
        settings.connection, profile=ConnectionProfile.FOUNDRY_AGENT, agent=agent
    )
    SettingsStore(isolated_env).save(dataclasses.replace(settings, connection=connection))
    app = AppUnderTest(qtbot, isolated_env, text_session)
    try:
        assert await app.controller.start_demo()
        await wait_until(lambda: app.window.session_state is SessionState.READY, what="ready")
        app.window.message_box.setText("Please look up the refund policy")
        app.window.message_box.returnPressed.emit()
        await wait_until(lambda: app.count(ToolCallFinished) == 1, what="the agent's call")
        (card,) = app.window.tool_calls.cards.values()
        assert card.source_label.text() == "agent" and not card.source_label.isHidden()
        await wait_until(lambda: app.count(AssistantTranscriptCompleted) == 1, what="the answer")
        (answer,) = [e for e in app.events if isinstance(e, AssistantTranscriptCompleted)]
        assert answer.text.startswith("HelpDesk here") and "I looked that up" in answer.text
    finally:
        await app.controller.shutdown()
