"""The main window: connection controls, state, transcript, meters, message box, status."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from voicelive_desktop import APP_NAME
from voicelive_desktop.engine.events import (
    AudioDeviceChanged,
    AudioLevelMeasured,
    EngineEvent,
    ErrorKind,
    ReconnectScheduled,
    SessionErrorReported,
    SessionState,
    SessionStateChanged,
    TurnLatencyMeasured,
)
from voicelive_desktop.protocol import vad_threshold_dbfs
from voicelive_desktop.settings import AppSettings
from voicelive_desktop.ui.crash_banner import CrashBanner
from voicelive_desktop.ui.error_banner import ErrorBanner
from voicelive_desktop.ui.level_meter import LevelMeter
from voicelive_desktop.ui.minimised_paint_pause import MinimisedPaintPause
from voicelive_desktop.ui.muted_label import MutedLabel
from voicelive_desktop.ui.recording_indicator import RecordingIndicator
from voicelive_desktop.ui.session_panel import SessionPanel
from voicelive_desktop.ui.state_indicator import StateIndicator
from voicelive_desktop.ui.timers_strip import TimersStrip
from voicelive_desktop.ui.tool_calls_view import ToolCallsView
from voicelive_desktop.ui.transcript_view import TranscriptView
from voicelive_desktop.ui.usage_status import UsageStatus
from voicelive_desktop.ui.window_menus import WindowMenus

# States in which a session exists and the Connect button means "Disconnect".
# How long the status bar says which device is in use after one changed by itself.
_DEVICE_STATUS_MS = 10_000
_LIVE_STATES = {
    SessionState.CONNECTING,
    SessionState.READY,
    SessionState.USER_SPEAKING,
    SessionState.THINKING,
    SessionState.ASSISTANT_SPEAKING,
    SessionState.RECONNECTING,
}
_TALKING_STATES = _LIVE_STATES - {SessionState.CONNECTING, SessionState.RECONNECTING}


class MainWindow(QMainWindow):
    """Shows one conversation and turns user gestures into intent signals; it never talks to
    the engine itself (the controller wires the signals to the engine adapter)."""

    connect_requested = Signal()
    disconnect_requested = Signal()
    demo_requested = Signal()
    preferences_requested = Signal()
    text_submitted = Signal(str)
    mute_toggled = Signal(bool)
    push_to_talk_pressed = Signal()
    push_to_talk_released = Signal()
    closing = Signal()  # the window is closing: the controller stops the session

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(520, 420)
        self.resize(1080, 680)
        self.session_state = SessionState.DISCONNECTED
        # The engine's "lost; reconnecting" announcement, while that reconnect is under way.
        self._lost_notice: str | None = None
        self._build_body()
        self.menus = WindowMenus(self)
        # The actions the window updates, and those the rest of the app reaches through it.
        self.connect_action = self.menus.connect_action
        self.disconnect_action = self.menus.disconnect_action
        self.demo_action = self.menus.demo_action
        self.quit_action = self.menus.quit_action
        self.copy_transcript_action = self.menus.copy_transcript_action
        self.clear_action = self.menus.clear_action
        self.preferences_action = self.menus.preferences_action
        self.prices_action = self.menus.prices_action
        self.panel_action = self.menus.panel_action
        self.inspector_action = self.menus.inspector_action
        self.help_menu = self.menus.help_menu
        self.about_action = self.menus.about_action
        self._build_status_bar()
        self.show_state(SessionState.DISCONNECTED)
        self._paint_pause = MinimisedPaintPause(self)

    # ---- layout ---------------------------------------------------------------------------

    def _build_body(self) -> None:
        conversation = QWidget()
        root = QVBoxLayout(conversation)
        root.setContentsMargins(16, 12, 16, 12)
        root.setSpacing(10)

        header = QHBoxLayout()
        self.state_indicator = StateIndicator()
        header.addWidget(self.state_indicator)
        self.demo_badge = QLabel("OFFLINE DEMO")
        self.demo_badge.setObjectName("demoBadge")
        self.demo_badge.setToolTip("Connected to the built-in simulator, not to Azure")
        self.demo_badge.setStyleSheet(
            "#demoBadge { background: #f0b429; color: #3b2a00; border-radius: 9px;"
            " padding: 2px 10px; font-weight: bold; font-size: 8pt; }"
        )
        self.demo_badge.hide()
        header.addWidget(self.demo_badge)
        header.addStretch(1)
        self.panel_button = QPushButton("Session settings")
        self.panel_button.setCheckable(True)
        self.panel_button.setToolTip("Show or hide the session panel (voice, turn-taking, …)")
        self.panel_button.setAccessibleDescription(self.panel_button.toolTip())
        header.addWidget(self.panel_button)
        self.connect_button = QPushButton("Connect")
        self.connect_button.setObjectName("primaryButton")
        self.connect_button.setMinimumWidth(110)
        self.connect_button.setToolTip("Open or close the voice session")
        self.connect_button.clicked.connect(self._on_connect_clicked)
        header.addWidget(self.connect_button)
        root.addLayout(header)

        self.error_banner = ErrorBanner()
        root.addWidget(self.error_banner)
        self.crash_banner = CrashBanner()
        root.addWidget(self.crash_banner)

        self.transcript = TranscriptView()
        # Tool-call cards and consent prompts, inside the transcript in conversation order.
        self.tool_calls = ToolCallsView(self.transcript)
        self.tool_calls.approval_answered.connect(self._after_consent)
        self.tool_calls.awaiting_user_changed.connect(self.state_indicator.show_awaiting_approval)
        frame = QFrame()
        frame.setObjectName("transcriptFrame")
        frame_layout = QVBoxLayout(frame)
        frame_layout.setContentsMargins(4, 4, 4, 4)
        frame_layout.addWidget(self.transcript)
        root.addWidget(frame, 1)

        meters = QGridLayout()
        meters.setHorizontalSpacing(8)
        meters.setVerticalSpacing(4)
        self.mic_meter = LevelMeter("Microphone level")
        self.speaker_meter = LevelMeter("Speaker level")
        for row, (name, meter) in enumerate(
            (("Mic", self.mic_meter), ("Speaker", self.speaker_meter))
        ):
            label = MutedLabel(name)  # a caption, not a control
            label.setMinimumWidth(56)
            meters.addWidget(label, row, 0)
            meters.addWidget(meter, row, 1)
        meters.setColumnStretch(1, 1)
        root.addLayout(meters)

        self.timers_strip = TimersStrip()  # shown while the assistant's timers run
        root.addWidget(self.timers_strip)

        controls = QHBoxLayout()
        controls.setSpacing(8)
        self.mute_button = QPushButton("Mute mic")
        self.mute_button.setCheckable(True)
        self.mute_button.setToolTip("Stop sending your microphone to the assistant")
        self.mute_button.toggled.connect(self._on_mute_toggled)
        controls.addWidget(self.mute_button)
        # Beside Mute: both decide what happens to the microphone's sound.
        self.recording = RecordingIndicator()
        controls.addWidget(self.recording)
        # Push-to-talk lives here; the key bindings for it are installed by the controller.
        self.push_to_talk_button = QPushButton("Hold to talk")
        self.push_to_talk_button.setToolTip("Hold while speaking; release to send")
        self.push_to_talk_button.pressed.connect(self.push_to_talk_pressed)
        self.push_to_talk_button.released.connect(self.push_to_talk_released)
        controls.addWidget(self.push_to_talk_button)
        self.message_box = QLineEdit()
        self.message_box.setPlaceholderText("Type a message and press Enter")
        self.message_box.setAccessibleName("Message to the assistant")
        self.message_box.setAccessibleDescription("Type a message and press Enter to send it")
        self.message_box.setClearButtonEnabled(True)
        self.message_box.returnPressed.connect(self._submit_text)
        controls.addWidget(self.message_box, 1)
        self.send_button = QPushButton("Send")
        self.send_button.setObjectName("primaryButton")
        self.send_button.setToolTip("Send the typed message to the assistant")
        self.send_button.clicked.connect(self._submit_text)
        controls.addWidget(self.send_button)
        root.addLayout(controls)

        # The panel sits beside the conversation; the splitter remembers the width the user
        # dragged it to, and hiding it gives the conversation the whole window.
        self.session_panel = SessionPanel(AppSettings())
        self._panel_width = AppSettings().ui.session_panel_width  # while the panel is hidden
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(conversation)
        panel_frame = QWidget()
        panel_layout = QVBoxLayout(panel_frame)
        panel_layout.setContentsMargins(4, 12, 12, 12)
        panel_layout.addWidget(self.session_panel)
        self.panel_frame = panel_frame
        self.splitter.addWidget(panel_frame)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.setCentralWidget(self.splitter)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.latency_label = QLabel("")
        self.latency_label.setToolTip("From the end of your turn to the first assistant audio")
        self.endpoint_label = QLabel("")
        self.usage_status = UsageStatus()
        status.addWidget(self.latency_label)
        status.addWidget(self.usage_status)
        status.addPermanentWidget(self.endpoint_label)

    # ---- the session panel ------------------------------------------------------------------

    def set_panel_open(self, open_: bool) -> None:
        """Show or hide the session panel (View → Session panel, the header button); it
        comes back at the width it had."""
        was_open = self.panel_open
        if not open_ and was_open:
            self._panel_width = self.splitter.sizes()[1] or self._panel_width
        self.panel_frame.setVisible(open_)
        if open_ and not was_open:
            # A splitter forgets a hidden widget's size: give the panel its width back.
            total = max(sum(self.splitter.sizes()), self.width())
            self.splitter.setSizes([max(1, total - self._panel_width), self._panel_width])
        self.panel_action.setChecked(open_)
        self.panel_button.setChecked(open_)

    @property
    def panel_open(self) -> bool:
        return not self.panel_frame.isHidden()

    def panel_width(self) -> int:
        return self.splitter.sizes()[1] if self.panel_open else self._panel_width

    def restore_panel(self, open_: bool, width: int) -> None:
        total = max(self.splitter.width(), self.width())
        self.splitter.setSizes([max(1, total - width), width])
        self.set_panel_open(open_)
        # Before the window is shown the splitter reports sizes it has not laid out yet.
        self._panel_width = width

    def show_vad_threshold(self, threshold: float | None) -> None:
        """Mark the VAD threshold (0-1) on the mic meter; None hides it (push-to-talk)."""
        self.mic_meter.set_threshold_dbfs(
            None if threshold is None else vad_threshold_dbfs(threshold)
        )

    # ---- showing what happens -------------------------------------------------------------

    def show_event(self, event: EngineEvent) -> None:
        """Reflect one engine event in the window."""
        if isinstance(event, AudioLevelMeasured):
            meter = self.mic_meter if event.source == "input" else self.speaker_meter
            meter.set_level(event.rms_dbfs, event.peak_dbfs)
            return
        self.usage_status.show_event(event)
        if isinstance(event, SessionStateChanged):
            self.show_state(event.state)
        elif isinstance(event, ReconnectScheduled):
            self.state_indicator.show_reconnecting(event.attempt)
        elif isinstance(event, TurnLatencyMeasured):
            self.latency_label.setText(f"Last turn: {event.latency_ms:.0f} ms")
        elif isinstance(event, SessionErrorReported):
            self.show_error(event.message, topic=event.kind)
            if (
                event.kind is ErrorKind.CONNECTION_LOST
                and self.session_state is SessionState.RECONNECTING
                and self._lost_notice is None
            ):
                self._lost_notice = event.message
        elif isinstance(event, AudioDeviceChanged):
            # While a stand-in plays for a missing device the banner says so; once the
            # chosen device is back its sound-device message goes.
            if event.resolved:
                self.error_banner.clear(ErrorKind.AUDIO_DEVICE)
            else:
                self.error_banner.show_message(event.message, ErrorKind.AUDIO_DEVICE)
            self.statusBar().showMessage(event.message, _DEVICE_STATUS_MS)
        self.transcript.show_event(event)
        self.tool_calls.show_event(event)

    def show_state(self, state: SessionState) -> None:
        self.session_state = state
        live = state in _LIVE_STATES
        keep_attempt = state is SessionState.RECONNECTING and self.state_indicator.state is state
        keep_error = state is SessionState.DISCONNECTED and self.state_indicator.error
        if not (keep_attempt or keep_error):
            self.state_indicator.show_state(state)
        if state is SessionState.READY and self._lost_notice is not None:
            # Back after a reconnect: the notice is stale, unless another error replaced it.
            if self.error_banner.message == self._lost_notice:
                self.error_banner.hide()
            self._lost_notice = None
        elif not live:
            self._lost_notice = None
        self.connect_button.setText("Disconnect" if live else "Connect")
        self.connect_action.setEnabled(not live)
        self.disconnect_action.setEnabled(live)
        self.demo_action.setEnabled(not live)
        talking = state in _TALKING_STATES
        for widget in (self.send_button, self.push_to_talk_button):
            widget.setEnabled(talking)
        if not live:
            self.mic_meter.reset()
            self.speaker_meter.reset()

    def show_error(self, message: str, topic: object = None) -> None:
        """Show a specific error sentence in the banner and the indicator (`topic`: what it
        is about, so that news of its end can clear it; see `ErrorBanner.clear`)."""
        self.error_banner.show_message(message, topic)
        self.state_indicator.show_error()

    def set_demo(self, demo: bool) -> None:
        """Label the window clearly while it talks to the built-in simulator."""
        self.demo_badge.setVisible(demo)
        self.setWindowTitle(f"{APP_NAME} — offline demo" if demo else APP_NAME)

    def set_endpoint_label(self, text: str) -> None:
        self.endpoint_label.setText(text)

    # ---- user gestures --------------------------------------------------------------------

    def _on_connect_clicked(self) -> None:
        self.error_banner.hide()
        if self.session_state in _LIVE_STATES:
            self.disconnect_requested.emit()
        else:
            self.connect_requested.emit()

    def _on_mute_toggled(self, muted: bool) -> None:
        self.mute_button.setText("Unmute mic" if muted else "Mute mic")
        if muted:
            self.mic_meter.reset()
        self.mute_toggled.emit(muted)

    def _submit_text(self) -> None:
        text = self.message_box.text().strip()
        if not text or self.session_state not in _TALKING_STATES:
            return
        self.message_box.clear()
        self.text_submitted.emit(text)

    def _after_consent(self) -> None:
        # The prompt took the keyboard; give it back to where the user types (unless another
        # prompt still waits for an answer).
        if not self.tool_calls.pending_prompts():
            self.message_box.setFocus()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)
