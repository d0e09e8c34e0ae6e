"""Runs the app: settings, credentials, first run, demo server, sessions and the dialogs."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QObject
from PySide6.QtWidgets import QApplication, QMessageBox

from voicelive_desktop import APP_NAME, __version__
from voicelive_desktop.background_tasks import BackgroundTasks
from voicelive_desktop.credentials import CredentialStore, KeyringUnavailable
from voicelive_desktop.engine.agent_mode import is_agent_mode
from voicelive_desktop.engine.auth import entra_credential, key_credential
from voicelive_desktop.engine.errors import endpoint_host
from voicelive_desktop.engine.session_settings import AuthMethod, ConnectionSettings
from voicelive_desktop.history import open_recorder
from voicelive_desktop.instance_channel import InstanceChannel
from voicelive_desktop.push_to_talk import session_for
from voicelive_desktop.settings import AppSettings, SettingsStore, ToolSettings
from voicelive_desktop.tools.registry import ToolPolicy
from voicelive_desktop.ui.device_picker import use_device_lister
from voicelive_desktop.ui.engine_adapter import ConversationSession, EngineAdapter
from voicelive_desktop.ui.main_window import MainWindow
from voicelive_desktop.ui.mcp_binding import McpBinding
from voicelive_desktop.ui.mcp_session_link import McpSessionLink
from voicelive_desktop.ui.offline_demo import OfflineDemo
from voicelive_desktop.ui.preferences_dialog import PreferencesDialog
from voicelive_desktop.ui.push_to_talk_binding import PushToTalkBinding
from voicelive_desktop.ui.session_instruments import SessionInstruments
from voicelive_desktop.ui.session_panel_binding import SessionPanelBinding
from voicelive_desktop.ui.sessions import Credential, SessionFactory
from voicelive_desktop.ui.sleep_watch import SleepWatch
from voicelive_desktop.ui.theme import apply_theme
from voicelive_desktop.ui.tools_binding import ToolsBinding
from voicelive_desktop.ui.tray import create_tray
from voicelive_desktop.ui.voice_preview import Target, VoicePreview
from voicelive_desktop.ui.welcome_dialog import WelcomeChoice, WelcomeDialog

if TYPE_CHECKING:
    from voicelive_desktop.simulator import VoiceLiveSimulator

log = logging.getLogger(__name__)


class AppController(QObject):
    """Joins the window, the engine adapter, settings and credentials; owns the demo server.

    Every user intent from the window lands here and becomes at most one adapter call.
    """

    def __init__(
        self,
        window: MainWindow,
        store: SettingsStore,
        credentials: CredentialStore,
        make_session: SessionFactory,
        *,
        endpoint_override: str | None = None,
        channel: InstanceChannel | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.credentials = credentials
        self.make_session = make_session
        self.endpoint_override = endpoint_override
        self.adapter = EngineAdapter(self)
        # The device pickers ask the live session, which knows when looking again is harmless.
        use_device_lister(self.adapter.device_names)
        self.offline_demo = OfflineDemo(window.show_error)
        self.demo = False
        self.opened_with: Target | None = None  # connection and credential in use
        self.welcome: WelcomeDialog | None = None
        self.preferences: PreferencesDialog | None = None
        self._tasks = BackgroundTasks("app controller")
        loaded = store.load()
        self.settings = loaded.settings
        self._startup_notice = loaded.message
        self._wire()
        # History is a convenience: when its file cannot be opened the app still converses.
        self.history = open_recorder(on_failure=window.error_banner.show_message)
        if self.history is not None:
            window.clear_action.triggered.connect(self.history.new_conversation)
        self.instruments = SessionInstruments(
            window, self.adapter, self.history, store.path.parent, self
        )
        self._startup_notice = self._startup_notice or self.instruments.price_notice
        self.instruments.recording.audio_format = lambda: self.settings.audio.recording_format
        self.push_to_talk = PushToTalkBinding(
            window, self.adapter, self.settings.push_to_talk, channel=channel
        )
        # After sleep the socket is dead but may not look it for minutes: reconnect at once.
        self.sleep_watch = SleepWatch(self)
        self.sleep_watch.resumed.connect(self.adapter.reconnect)
        self.tray = create_tray(window)
        if self.tray is not None:
            self.push_to_talk.mic_open_changed.connect(self.tray.set_mic_open)
        self.tools = ToolsBinding(
            window,
            self.adapter,
            self.settings.tools.policies,
            self._save_tool_policies,
            self.tray,
            current_conversation=self._current_conversation,
        )
        self.mcp = McpBinding(
            self.tools.registry,
            store.path.parent,
            parent=window,
            agent_mode=is_agent_mode(self.settings.connection),
        )
        self.mcp_link = McpSessionLink(self.mcp, self.adapter, window, self)

    def _wire(self) -> None:
        w, a = self.window, self.adapter
        a.event_received.connect(w.show_event)
        w.connect_requested.connect(lambda: self._spawn(self.connect_configured()))
        w.disconnect_requested.connect(lambda: self._spawn(self.adapter.close()))
        w.demo_requested.connect(lambda: self._spawn(self.start_demo()))
        w.preferences_requested.connect(self.open_preferences)
        w.text_submitted.connect(a.send_text)
        w.mute_toggled.connect(a.set_muted)
        w.about_action.triggered.connect(self._show_about)
        w.transcript.set_show_timestamps(self.settings.ui.show_timestamps)
        if self.settings.ui.window_geometry:
            w.restoreGeometry(QByteArray.fromBase64(self.settings.ui.window_geometry.encode()))
        self.panel = SessionPanelBinding(
            w,
            a,
            self.settings,
            apply=self._apply,
            reconnect=self._reconnect,
            preview=VoicePreview(self.make_session, self._preview_target, self),
            spawn=self._spawn,
        )
        w.session_panel.settings_edited.connect(self._panel_edited)

    # ---- start-up -------------------------------------------------------------------------

    async def start(self, *, demo: bool = False, connect: bool = False) -> None:
        """What happens right after the window shows: demo, connect, or ask (first run)."""
        if self._startup_notice:
            self.window.error_banner.show_message(self._startup_notice)
        self.mcp.start()
        if demo:
            await self.start_demo()
            return
        resolved = self.credentials.resolve(
            self.settings.connection.endpoint, self.endpoint_override
        )
        has_credentials = bool(resolved.endpoint) and (
            resolved.api_key is not None or self.settings.connection.auth is AuthMethod.ENTRA_ID
        )
        if not has_credentials:
            self.show_welcome(resolved.keyring_problem)
        elif connect:
            await self.connect_configured()
        else:
            self.window.set_endpoint_label(endpoint_host(resolved.endpoint))

    def show_welcome(self, keyring_problem: str | None = None) -> WelcomeDialog:
        """Open the first-run dialog (window-modal, non-blocking) and act on its choice."""
        dialog = WelcomeDialog(self.settings.connection.endpoint, keyring_problem, self.window)
        dialog.finished.connect(lambda _result: self._welcome_done(dialog))
        self.welcome = dialog
        dialog.open()
        return dialog

    def _welcome_done(self, dialog: WelcomeDialog) -> None:
        self.welcome = None
        if dialog.choice is WelcomeChoice.DEMO:
            self._spawn(self.start_demo())
        elif dialog.choice is WelcomeChoice.CONNECT:
            connection = dataclasses.replace(
                self.settings.connection, endpoint=dialog.endpoint_text, auth=dialog.auth
            )
            self._save(dataclasses.replace(self.settings, connection=connection))
            if dialog.auth is AuthMethod.API_KEY:
                self._keep_key(dialog.endpoint_text, dialog.key_text, dialog.remember.isChecked())
            self._spawn(self.connect_configured())

    # ---- sessions -------------------------------------------------------------------------

    async def connect_configured(self) -> bool:
        """Connect with the configured endpoint and the env/keyring/this-run key."""
        resolved = self.credentials.resolve(
            self.settings.connection.endpoint, self.endpoint_override
        )
        auth = self.settings.connection.auth
        if not resolved.endpoint or (auth is AuthMethod.API_KEY and not resolved.api_key):
            if resolved.keyring_problem:
                self.window.error_banner.show_message(resolved.keyring_problem)
            self.show_welcome(resolved.keyring_problem)
            return False
        credential: Credential = (
            entra_credential()
            if auth is AuthMethod.ENTRA_ID
            else key_credential(resolved.api_key or "")
        )
        connection = dataclasses.replace(self.settings.connection, endpoint=resolved.endpoint)
        return await self._open(connection, credential, demo=False)

    async def start_demo(self) -> bool:
        """Start the built-in simulator on this loop (once) and connect to it."""
        target = await self.offline_demo.target(self.settings.connection)
        if target is None:
            return False
        return await self._open(*target, demo=True)

    @property
    def demo_server(self) -> VoiceLiveSimulator | None:
        """The built-in simulator, once the demo or a preview started it."""
        return self.offline_demo.server

    async def _open(
        self, connection: ConnectionSettings, credential: Credential, *, demo: bool
    ) -> bool:
        self.demo = demo
        self.window.set_demo(demo)
        self.window.set_endpoint_label(
            "Built-in simulator (no Azure account used)"
            if demo
            else endpoint_host(connection.endpoint)
        )
        try:
            session: ConversationSession = self.make_session(
                connection, credential, self.settings, self.tools.registry
            )
        except (OSError, ValueError) as exc:
            self.window.show_error(str(exc))
            return False
        self.mcp_link.session_made(session)
        self.instruments.session_made(session, connection.model, self.settings.session.voice.name)
        if self.history is not None:
            self.history.attach(session)
        opened = await self.adapter.open(session)
        self.opened_with = (connection, credential) if opened else None
        if opened:
            self.adapter.set_muted(self.window.mute_button.isChecked())
            self.instruments.session_opened(session)
        return opened

    async def _preview_target(self) -> Target | None:
        """The voice preview uses the connection in use; without one, the offline demo (no
        account needed, nothing billed)."""
        if self.opened_with is not None and self.adapter.connected:
            return self.opened_with
        return await self.offline_demo.target(self.settings.connection)

    async def shutdown(self) -> None:
        """Stop the session and the demo server, remember the window; never hangs on a dead
        connection because the engine's close has its own timeouts."""
        self._tasks.cancel_all(keep=asyncio.current_task())
        await self.push_to_talk.close()
        await self.adapter.close()
        await self.mcp.close()
        self.tools.close()
        self.instruments.shutdown()
        if self.history is not None:
            self.history.close()
        await self.offline_demo.stop()
        geometry = bytes(self.window.saveGeometry().toBase64().data()).decode()
        ui = dataclasses.replace(
            self.settings.ui,
            window_geometry=geometry,
            session_panel_open=self.window.panel_open,
            session_panel_width=self.window.panel_width(),
        )
        self._save(dataclasses.replace(self.settings, ui=ui))

    # ---- preferences ----------------------------------------------------------------------

    def open_preferences(self) -> PreferencesDialog:
        if self.preferences is not None:
            self.preferences.raise_()
            return self.preferences
        endpoint = self.settings.connection.endpoint
        try:
            key_stored = bool(endpoint) and self.credentials.stored_key(endpoint) is not None
        except KeyringUnavailable:
            key_stored = False
        dialog = PreferencesDialog(
            self.settings,
            key_stored=key_stored,
            session_live=self.adapter.connected,
            tools=self.tools.registry,
            mcp=self.mcp,
            parent=self.window,
        )
        dialog.applied.connect(self.apply_preferences)
        dialog.reconnect_requested.connect(self._reconnect)
        dialog.finished.connect(lambda _result: setattr(self, "preferences", None))
        self.preferences = dialog
        dialog.open()
        return dialog

    def _panel_edited(self, settings: AppSettings, keys: frozenset[str]) -> None:
        if self.preferences is not None:
            self.preferences.show_edits(settings, keys)

    def apply_preferences(self, settings: AppSettings, api_key: str) -> None:
        """Save, and send what the protocol allows to the live session at once."""
        self._apply(settings)
        if api_key and settings.connection.endpoint:
            self._keep_key(settings.connection.endpoint, api_key, remember=True)
        self.panel.show_settings(settings)

    def _apply(self, settings: AppSettings) -> bool:
        """Save `settings` and use them; True when a session.update went to the service."""
        previous = self.settings
        # Tool policies are changed live (Preferences → Tools, a consent prompt) and kept by
        # the registry: a dialog's or panel's older copy must not write them back.
        settings = dataclasses.replace(
            settings, tools=ToolSettings(policies=self.tools.registry.chosen_policies())
        )
        self._save(settings)
        if settings.ui.theme is not previous.ui.theme:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, settings.ui.theme)
        self.window.transcript.set_show_timestamps(settings.ui.show_timestamps)
        self.push_to_talk.apply(settings.push_to_talk)
        self.mcp.set_agent_mode(is_agent_mode(settings.connection))
        session = session_for(settings)
        self.adapter.set_half_duplex(settings.audio.half_duplex)
        devices = (settings.audio.input_device, settings.audio.output_device)
        if devices != (previous.audio.input_device, previous.audio.output_device):
            # Mid-session, without reconnecting: the conversation and the answer go on.
            self.adapter.switch_devices(devices[0] or None, devices[1] or None)
        if self.adapter.connected and session != session_for(previous):
            self.adapter.apply_settings(session)
            return True
        return False

    def _reconnect(self) -> None:
        # The demo has no endpoint of its own in the settings; any other session reopens with
        # the configured connection (which may take the user out of the demo, as intended).
        if self.demo and not self.settings.connection.endpoint:
            self._spawn(self.start_demo())
        else:
            self._spawn(self.connect_configured())

    # ---- helpers --------------------------------------------------------------------------

    def _keep_key(self, endpoint: str, api_key: str, remember: bool) -> None:
        if not remember:
            self.credentials.use_for_this_run(endpoint, api_key)
            return
        try:
            self.credentials.save_key(endpoint, api_key)
        except KeyringUnavailable as exc:
            self.credentials.use_for_this_run(endpoint, api_key)
            self.window.error_banner.show_message(str(exc))

    def _current_conversation(self) -> str | None:
        # History search leaves out the conversation going on (the model has it already).
        return self.history.conversation_id if self.history is not None else None

    def _save_tool_policies(self, policies: dict[str, ToolPolicy]) -> None:
        self._save(dataclasses.replace(self.settings, tools=ToolSettings(policies=policies)))

    def _save(self, settings: AppSettings) -> None:
        self.settings = settings
        try:
            self.store.save(settings)
        except OSError as exc:
            self.window.error_banner.show_message(
                f"Settings could not be saved to {self.store.path}: {exc.strerror}"
            )

    def _spawn(self, coroutine: Coroutine[Any, Any, object]) -> None:
        self._tasks.spawn(coroutine, getattr(coroutine, "__name__", ""))

    async def wait_idle(self) -> None:
        """Wait for every started action and adapter command (tests, shutdown)."""
        await self._tasks.wait_idle()
        await self.adapter.wait_idle()

    def _show_about(self) -> None:
        QMessageBox.about(
            self.window,
            f"About {APP_NAME}",
            f"<b>{APP_NAME}</b> {__version__}<br>A desktop voice assistant on "
            "Azure AI Voice Live, with an offline demo.",
        )
