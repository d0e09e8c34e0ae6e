"""Foundry agent mode in the UI: the connection profile box, and which settings the agent owns.

In agent mode the agent brings its instructions and tools (engine/agent_mode.py), so the
editors of those settings are shown as set by the agent instead of being silently ignored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from voicelive_desktop.engine.session_settings import (
    ConnectionProfile,
    ConnectionSettings,
    FoundryAgentSettings,
)
from voicelive_desktop.ui.contrast import warning_style
from voicelive_desktop.ui.field_editor import FieldEditor
from voicelive_desktop.ui.setting_fields import FIELDS_BY_KEY

# The setting editors whose values the agent decides.
AGENT_CONTROLLED_EDITORS = ("instructions",)
AGENT_NOTE = (
    "A Foundry agent answers with its own instructions and tools; the app's instructions "
    "and tools are not sent. Sign in with Microsoft Entra ID."
)


def agent_note(connection: ConnectionSettings) -> str:
    """One line saying the agent controls instructions and tools, or "" in model mode."""
    if connection.profile is not ConnectionProfile.FOUNDRY_AGENT:
        return ""
    name = connection.agent.agent_name or "the agent"
    return f"Instructions and tools come from the Foundry agent {name}."


def show_agent_control(
    editors: Mapping[str, FieldEditor],
    connection: ConnectionSettings,
    labels: Sequence[QLabel] = (),
) -> None:
    """Disable the editors the agent controls, saying why in their tooltip and in `labels`
    (shown only in agent mode)."""
    note = agent_note(connection)
    for label in labels:
        label.setText(note)
        label.setVisible(bool(note))
    for key in AGENT_CONTROLLED_EDITORS:
        editor = editors.get(key)
        if editor is None:
            continue
        editor.widget.setEnabled(not note)
        # Back in model mode the field's own description returns (screen readers need one).
        description = note or FIELDS_BY_KEY[key].description
        editor.focus.setToolTip(description)
        editor.focus.setAccessibleDescription(description)


def agent_note_label() -> QLabel:
    """The one-line "set by the agent" note for a page or the panel (hidden in model mode)."""
    label = QLabel()
    label.setObjectName("agentNote")
    label.setWordWrap(True)
    label.setStyleSheet(warning_style(label))
    label.hide()
    return label


class AgentProfileBox(QGroupBox):
    """Model or Foundry agent, with the agent's name, project, version and conversation."""

    profile_changed = Signal()

    def __init__(self, connection: ConnectionSettings, parent: QWidget | None = None) -> None:
        super().__init__("Who answers", parent)
        self.model_choice = QRadioButton("A model (the instructions and tools set here)")
        self.agent_choice = QRadioButton("A Foundry agent")
        self.model_choice.setToolTip("A model answers, with the instructions and tools set here")
        self.agent_choice.setToolTip("A Foundry agent answers, with its own instructions and tools")
        group = QButtonGroup(self)
        group.addButton(self.model_choice)
        group.addButton(self.agent_choice)
        agent = connection.agent
        self.agent_name = QLineEdit(agent.agent_name)
        self.project_name = QLineEdit(agent.project_name)
        self.agent_version = QLineEdit(agent.agent_version)
        self.agent_version.setPlaceholderText("latest")
        self.conversation_id = QLineEdit(agent.conversation_id)
        self.conversation_id.setPlaceholderText("a new conversation")
        for field, name in (
            (self.agent_name, "Agent name"),
            (self.project_name, "Project name"),
            (self.agent_version, "Agent version"),
            (self.conversation_id, "Conversation to continue"),
        ):
            field.setAccessibleName(name)
            field.setAccessibleDescription(f"{name} of the Foundry agent that answers")
            field.textChanged.connect(self.profile_changed)
        self.note = QLabel(AGENT_NOTE)
        self.note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.model_choice)
        form.addRow(self.agent_choice)
        form.addRow("Agent name:", self.agent_name)
        form.addRow("Project name:", self.project_name)
        form.addRow("Version:", self.agent_version)
        form.addRow("Conversation id:", self.conversation_id)
        form.addRow(self.note)
        agent_mode = connection.profile is ConnectionProfile.FOUNDRY_AGENT
        (self.agent_choice if agent_mode else self.model_choice).setChecked(True)
        self.agent_choice.toggled.connect(self._toggled)
        self._toggled()

    def _toggled(self) -> None:
        on = self.agent_choice.isChecked()
        for field in (self.agent_name, self.project_name, self.agent_version, self.conversation_id):
            field.setEnabled(on)
        self.note.setVisible(on)
        self.profile_changed.emit()

    def applied(self, connection: ConnectionSettings) -> ConnectionSettings:
        """`connection` with the profile and agent the box shows."""
        profile = (
            ConnectionProfile.FOUNDRY_AGENT
            if self.agent_choice.isChecked()
            else ConnectionProfile.MODEL
        )
        agent = FoundryAgentSettings(
            agent_name=self.agent_name.text().strip(),
            project_name=self.project_name.text().strip(),
            agent_version=self.agent_version.text().strip(),
            conversation_id=self.conversation_id.text().strip(),
        )
        return dataclasses.replace(connection, profile=profile, agent=agent)
