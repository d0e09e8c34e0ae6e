"""The Preferences dialog: edits AppSettings (and the API key) and says what needs a reconnect."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from voicelive_desktop.engine.session_settings import AuthMethod
from voicelive_desktop.push_to_talk.global_hotkey import global_hotkey_blocker
from voicelive_desktop.settings import AppSettings
from voicelive_desktop.tools.registry import ToolRegistry
from voicelive_desktop.ui.agent_profile import (
    AgentProfileBox,
    agent_note_label,
    show_agent_control,
)
from voicelive_desktop.ui.contrast import warning_style
from voicelive_desktop.ui.mcp_binding import McpBinding
from voicelive_desktop.ui.mcp_servers_section import McpServersSection
from voicelive_desktop.ui.screen_fit import open_within_screen
from voicelive_desktop.ui.setting_form import SettingForm
from voicelive_desktop.ui.tools_page import ToolsPage

# Which described settings each tab shows (the descriptions live in ui.setting_fields).
TAB_FIELDS = {
    "connection": ["endpoint", "model"],
    "conversation": [
        "voice",
        "custom_voice_id",
        "voice_temperature",
        "speaking_rate",
        "temperature",
        "max_tokens",
        "transcription_model",
        "transcription_language",
        "phrase_list",
        "instructions",
        "greet_on_connect",
    ],
    "turn": [
        "turn_mode",
        "vad_threshold",
        "prefix_padding",
        "silence_duration",
        "remove_filler_words",
        "end_of_utterance",
        "end_of_utterance_level",
        "end_of_utterance_timeout",
        "languages",
    ],
    "audio": [
        "input_device",
        "output_device",
        "noise_suppression",
        "echo_cancellation",
        "half_duplex",
        "recording_container",
        "recording_layout",
    ],
    "keys": ["ptt_mode", "ptt_key", "global_hotkey"],
    "look": ["earcons", "theme", "show_timestamps"],
}

RECONNECT_NOTICE = "Endpoint, model and sign-in changes take effect after reconnecting."


class PreferencesDialog(QDialog):
    """Edits a copy of the settings; `applied` carries the result on Apply and OK.

    Session changes can be sent to a live session at once; connection changes cannot, which
    the notice at the bottom says while they differ from the connection in use.
    """

    applied = Signal(object, str)  # AppSettings, new API key ("" = keep the stored one)
    reconnect_requested = Signal()  # after applying: reopen the session with the new settings

    def __init__(
        self,
        settings: AppSettings,
        *,
        key_stored: bool,
        session_live: bool = False,
        tools: ToolRegistry | None = None,
        mcp: McpBinding | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setMinimumWidth(520)
        self._in_use = settings  # what the running session was opened with
        self._session_live = session_live
        self.form = SettingForm(settings, self)
        self.editors = self.form.editors
        tabs = QTabWidget()
        tabs.setAccessibleName("Preferences")
        tabs.setAccessibleDescription("Settings grouped by topic; Ctrl+Tab moves between pages")
        tabs.tabBar().setAccessibleDescription("The pages of Preferences")
        tabs.addTab(self._connection_tab(settings, key_stored), "Connection")
        tabs.addTab(self._form_page("conversation"), "Conversation")
        tabs.addTab(self._form_page("turn"), "Turn detection")
        tabs.addTab(self._form_page("audio"), "Audio")
        tabs.addTab(self._keys_tab(), "Push-to-talk && look")
        for index, about in enumerate(
            (
                "Where to connect and how to sign in",
                "Voice, temperature, transcription and instructions",
                "How the assistant knows you have finished speaking",
                "Microphone, speaker and audio processing",
                "Push-to-talk keys, colours and the transcript",
            )
        ):
            tabs.setTabToolTip(index, about)
        # Tool policies apply live through the registry (the controller persists them).
        self.tools_page = ToolsPage(tools) if tools is not None else None
        if self.tools_page is not None:
            index = tabs.addTab(self.tools_page, "Tools")
            tabs.setTabToolTip(index, "What the assistant may do, and when it must ask first")
            self.finished.connect(self.tools_page.stop_following)
            if mcp is not None:
                self.mcp_section = McpServersSection(mcp)
                self.tools_page.add_section(self.mcp_section)
        self.tabs = tabs

        self.notice = QLabel(RECONNECT_NOTICE)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(warning_style(self))
        self.reconnect_button = QPushButton("Apply and reconnect")
        self.reconnect_button.setToolTip("Apply the changes and reopen the session with them")
        self.reconnect_button.clicked.connect(self._apply_and_reconnect)
        notice_row = QHBoxLayout()
        notice_row.addWidget(self.notice, 1)
        notice_row.addWidget(self.reconnect_button)
        self.notice.hide()
        self.reconnect_button.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.clicked.connect(self._on_button)
        for which, description in (
            (QDialogButtonBox.StandardButton.Ok, "Apply the changes and close Preferences"),
            (QDialogButtonBox.StandardButton.Apply, "Apply the changes and keep editing"),
            (QDialogButtonBox.StandardButton.Cancel, "Close without applying the changes"),
        ):
            button = self.buttons.button(which)
            button.setToolTip(description)
            button.setAccessibleDescription(description)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addLayout(notice_row)
        layout.addWidget(self.buttons)
        self.api_key.textChanged.connect(self._update_notice)
        self.form.edited.connect(lambda _key: self._update_notice())
        self.auth_group.buttonToggled.connect(self._update_notice)
        self._agent_notes = [agent_note_label()]
        page_layout = self.tools_page.layout() if self.tools_page is not None else None
        if isinstance(page_layout, QVBoxLayout):
            page_layout.insertWidget(0, self._agent_notes[0])
        show_agent_control(self.form.editors, settings.connection, self._agent_notes)
        open_within_screen(self, parent)  # the Tools page's list may use a tall screen

    # ---- tabs -----------------------------------------------------------------------------

    # Combo item data holds enum *values*: PySide6 turns str-enum members into plain str.

    def _form_page(self, tab: str) -> QWidget:
        page = QWidget()
        self.form.add_rows(QFormLayout(page), TAB_FIELDS[tab])
        return page

    def _connection_tab(self, settings: AppSettings, key_stored: bool) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.form.add_rows(form, TAB_FIELDS["connection"])
        connection = settings.connection
        self.auth_key = QRadioButton("API key")
        self.auth_entra = QRadioButton("Microsoft Entra ID (az login, managed identity, …)")
        self.auth_group = QButtonGroup(page)
        self.auth_group.addButton(self.auth_key)
        self.auth_group.addButton(self.auth_entra)
        (self.auth_entra if connection.auth is AuthMethod.ENTRA_ID else self.auth_key).setChecked(
            True
        )
        self.auth_key.setToolTip("Sign in with the resource's key, kept in the system keyring")
        self.auth_entra.setToolTip("Sign in with your Microsoft Entra identity; no key stored")
        auth_box = QVBoxLayout()
        auth_box.addWidget(self.auth_key)
        auth_box.addWidget(self.auth_entra)
        form.addRow("Sign in with:", auth_box)
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setAccessibleName("API key")
        self.api_key.setAccessibleDescription("The key of the Voice Live resource; never shown")
        self.api_key.setPlaceholderText(
            "stored in the system keyring — type to replace" if key_stored else "paste the key"
        )
        self.auth_key.toggled.connect(self.api_key.setEnabled)
        self.api_key.setEnabled(self.auth_key.isChecked())
        form.addRow("API key:", self.api_key)
        self.agent_box = AgentProfileBox(connection)
        self.agent_box.profile_changed.connect(self._agent_profile_changed)
        form.addRow(self.agent_box)
        return page

    def _agent_profile_changed(self) -> None:
        if self.agent_box.agent_choice.isChecked():
            self.auth_entra.setChecked(True)  # agents answer only to Entra ID sign-in
        # The form's fields that follow the model (transcription) follow the profile too.
        self.form.show_settings(self.current_settings())
        show_agent_control(self.form.editors, self.current_settings().connection, self._agent_notes)
        self._update_notice()

    def _keys_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.form.add_rows(form, TAB_FIELDS["keys"])
        blocker = global_hotkey_blocker()
        self.global_hotkey_note = QLabel(blocker or "Written like <ctrl>+<alt>+<space> or <f9>.")
        self.global_hotkey_note.setWordWrap(True)
        form.addRow(self.global_hotkey_note)
        self.form.add_rows(form, TAB_FIELDS["look"])
        return page

    # ---- results --------------------------------------------------------------------------

    def current_settings(self) -> AppSettings:
        """The settings as the widgets show them now."""
        current = self.form.current()
        connection = self.agent_box.applied(
            dataclasses.replace(
                current.connection,
                auth=AuthMethod.ENTRA_ID if self.auth_entra.isChecked() else AuthMethod.API_KEY,
            )
        )
        return dataclasses.replace(current, connection=connection)

    def show_edits(self, settings: AppSettings, keys: frozenset[str]) -> None:
        """Changes made meanwhile in the session panel: show them, keep this dialog's others
        (so Apply does not undo them)."""
        self.form.show_values(settings, keys)
        self._update_notice()

    def needs_reconnect(self) -> bool:
        """True while the connection or the key differ from the session in use (devices
        switch live, without reconnecting)."""
        current = self.current_settings()
        return current.connection != self._in_use.connection or bool(self.api_key.text().strip())

    def _update_notice(self) -> None:
        needed = self.needs_reconnect()
        self.notice.setVisible(needed)
        self.reconnect_button.setVisible(needed and self._session_live)

    def _apply_and_reconnect(self) -> None:
        self.apply()
        self.reconnect_requested.emit()
        self.accept()

    def _on_button(self, button: QAbstractButton) -> None:
        role = self.buttons.buttonRole(button)
        if role == QDialogButtonBox.ButtonRole.RejectRole:
            self.reject()
            return
        self.apply()
        if role == QDialogButtonBox.ButtonRole.AcceptRole:
            self.accept()

    def apply(self) -> None:
        """Emit the current settings (what Apply and OK do)."""
        settings = self.current_settings()
        key = self.api_key.text().strip()
        self.form.show_settings(settings)
        self.applied.emit(settings, key)
        self._update_notice()
