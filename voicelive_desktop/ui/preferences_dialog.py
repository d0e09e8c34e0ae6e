"""The Preferences dialog: edits AppSettings (and the API key) and says what needs a reconnect."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSlider,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from voicelive_desktop.engine.session_settings import (
    AuthMethod,
    ConnectionSettings,
    SessionSettings,
    TurnDetectionMode,
    TurnDetectionSettings,
    VoiceSettings,
)
from voicelive_desktop.push_to_talk.global_hotkey import global_hotkey_blocker
from voicelive_desktop.settings import (
    MAX_RESPONSE_TOKENS_RANGE,
    PREFIX_PADDING_MS_RANGE,
    SILENCE_DURATION_MS_RANGE,
    TEMPERATURE_RANGE,
    VAD_THRESHOLD_RANGE,
    AppSettings,
    AudioSettings,
    PushToTalkMode,
    PushToTalkSettings,
    Theme,
    UiSettings,
)
from voicelive_desktop.ui.form_fields import (
    device_combo,
    device_name,
    editable_combo,
    ms_spin,
)
from voicelive_desktop.ui.preference_choices import (
    MODELS,
    TRANSCRIPTION_MODELS,
    TURN_DETECTION_LABELS,
    VOICES,
)

RECONNECT_NOTICE = "Endpoint, model, sign-in and device changes take effect after reconnecting."
_TEMPERATURE_SCALE = 100  # the slider works in hundredths


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
        input_devices: list[str],
        output_devices: list[str],
        key_stored: bool,
        session_live: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setMinimumWidth(520)
        self._original = settings
        self._in_use = settings  # what the running session was opened with
        self._session_live = session_live
        tabs = QTabWidget()
        tabs.addTab(self._connection_tab(settings.connection, key_stored), "Connection")
        tabs.addTab(self._conversation_tab(settings.session), "Conversation")
        tabs.addTab(self._turn_tab(settings.session.turn_detection), "Turn detection")
        tabs.addTab(self._audio_tab(settings, input_devices, output_devices), "Audio")
        tabs.addTab(self._keys_tab(settings.push_to_talk, settings.ui), "Push-to-talk && look")
        self.tabs = tabs

        self.notice = QLabel(RECONNECT_NOTICE)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #b7791f;")
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
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addLayout(notice_row)
        layout.addWidget(self.buttons)
        for edit in (self.endpoint, self.api_key):
            edit.textChanged.connect(self._update_notice)
        self.model.currentTextChanged.connect(self._update_notice)
        self.auth_group.buttonToggled.connect(self._update_notice)
        self.input_device.currentIndexChanged.connect(self._update_notice)
        self.output_device.currentIndexChanged.connect(self._update_notice)

    # ---- tabs -----------------------------------------------------------------------------

    # Combo item data holds enum *values*: PySide6 turns str-enum members into plain str.

    def _connection_tab(self, connection: ConnectionSettings, key_stored: bool) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.endpoint = QLineEdit(connection.endpoint)
        self.endpoint.setPlaceholderText("https://<resource>.cognitiveservices.azure.com")
        form.addRow("Endpoint:", self.endpoint)
        self.model = editable_combo(MODELS, connection.model)
        form.addRow("Model or deployment:", self.model)
        self.auth_key = QRadioButton("API key")
        self.auth_entra = QRadioButton("Microsoft Entra ID (az login, managed identity, …)")
        self.auth_group = QButtonGroup(page)
        self.auth_group.addButton(self.auth_key)
        self.auth_group.addButton(self.auth_entra)
        (self.auth_entra if connection.auth is AuthMethod.ENTRA_ID else self.auth_key).setChecked(
            True
        )
        auth_box = QVBoxLayout()
        auth_box.addWidget(self.auth_key)
        auth_box.addWidget(self.auth_entra)
        form.addRow("Sign in with:", auth_box)
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText(
            "stored in the system keyring — type to replace" if key_stored else "paste the key"
        )
        self.auth_key.toggled.connect(self.api_key.setEnabled)
        self.api_key.setEnabled(self.auth_key.isChecked())
        form.addRow("API key:", self.api_key)
        return page

    def _conversation_tab(self, session: SessionSettings) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.voice = editable_combo(VOICES, session.voice.name)
        self.voice.setToolTip("An Azure standard or HD voice, an OpenAI voice, or a custom name")
        form.addRow("Voice:", self.voice)
        self.custom_voice_id = QLineEdit(session.voice.custom_endpoint_id)
        self.custom_voice_id.setPlaceholderText("only for an Azure custom voice")
        form.addRow("Custom voice endpoint ID:", self.custom_voice_id)

        self.temperature = QSlider(Qt.Orientation.Horizontal)
        low, high = TEMPERATURE_RANGE
        self.temperature.setRange(round(low * _TEMPERATURE_SCALE), round(high * _TEMPERATURE_SCALE))
        self.temperature.setSingleStep(5)
        self.temperature.setPageStep(10)
        self.temperature_value = QLabel()
        self.temperature_value.setMinimumWidth(36)
        self.temperature.valueChanged.connect(
            lambda v: self.temperature_value.setText(f"{v / _TEMPERATURE_SCALE:.2f}")
        )
        self.temperature.setValue(round(session.temperature * _TEMPERATURE_SCALE))
        self.temperature_value.setText(f"{self.temperature.value() / _TEMPERATURE_SCALE:.2f}")
        row = QHBoxLayout()
        row.addWidget(self.temperature, 1)
        row.addWidget(self.temperature_value)
        form.addRow("Temperature:", row)

        self.max_tokens = QSpinBox()
        self.max_tokens.setRange(0, int(MAX_RESPONSE_TOKENS_RANGE[1]))
        self.max_tokens.setSpecialValueText("Unlimited")
        self.max_tokens.setSingleStep(50)
        self.max_tokens.setValue(session.max_response_output_tokens or 0)
        form.addRow("Max response tokens:", self.max_tokens)

        self.transcribe = QCheckBox("Show what I say as text")
        self.transcribe.setChecked(bool(session.input_transcription_model))
        self.transcription_model = editable_combo(
            TRANSCRIPTION_MODELS, session.input_transcription_model or TRANSCRIPTION_MODELS[0]
        )
        self.transcribe.toggled.connect(self.transcription_model.setEnabled)
        self.transcription_model.setEnabled(self.transcribe.isChecked())
        row = QHBoxLayout()
        row.addWidget(self.transcribe)
        row.addWidget(self.transcription_model, 1)
        form.addRow("Input transcription:", row)

        self.instructions = QPlainTextEdit(session.instructions)
        self.instructions.setPlaceholderText("How the assistant should behave (system prompt)")
        self.instructions.setMinimumHeight(90)
        form.addRow("Instructions:", self.instructions)
        return page

    def _turn_tab(self, turn: TurnDetectionSettings) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.turn_mode = QComboBox()
        for mode, label in TURN_DETECTION_LABELS.items():
            self.turn_mode.addItem(label, mode.value)
        self.turn_mode.setCurrentIndex(self.turn_mode.findData(turn.mode.value))
        form.addRow("Turn detection:", self.turn_mode)
        self.vad_threshold = QDoubleSpinBox()
        self.vad_threshold.setRange(*VAD_THRESHOLD_RANGE)
        self.vad_threshold.setSingleStep(0.05)
        self.vad_threshold.setDecimals(2)
        self.vad_threshold.setValue(turn.threshold)
        self.vad_threshold.setToolTip("Higher ignores more noise but needs louder speech")
        form.addRow("Speech threshold:", self.vad_threshold)
        self.prefix_padding = ms_spin(PREFIX_PADDING_MS_RANGE, turn.prefix_padding_ms)
        self.prefix_padding.setToolTip("Audio kept from before speech was detected")
        form.addRow("Prefix padding:", self.prefix_padding)
        self.silence_duration = ms_spin(SILENCE_DURATION_MS_RANGE, turn.silence_duration_ms)
        self.silence_duration.setToolTip("How long a pause ends your turn")
        form.addRow("Silence to end a turn:", self.silence_duration)
        self.turn_mode.currentIndexChanged.connect(self._update_vad_enabled)
        self._update_vad_enabled()
        return page

    def _audio_tab(
        self, settings: AppSettings, input_devices: list[str], output_devices: list[str]
    ) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.input_device = device_combo(input_devices, settings.audio.input_device)
        form.addRow("Microphone:", self.input_device)
        self.output_device = device_combo(output_devices, settings.audio.output_device)
        form.addRow("Speaker:", self.output_device)
        self.noise_suppression = QCheckBox("Noise suppression (server side)")
        self.noise_suppression.setChecked(settings.session.noise_suppression)
        form.addRow(self.noise_suppression)
        self.echo_cancellation = QCheckBox("Echo cancellation (server side)")
        self.echo_cancellation.setChecked(settings.session.echo_cancellation)
        form.addRow(self.echo_cancellation)
        self.half_duplex = QCheckBox("Half-duplex: mute the mic while the assistant speaks")
        self.half_duplex.setChecked(settings.audio.half_duplex)
        form.addRow(self.half_duplex)
        return page

    def _keys_tab(self, ptt: PushToTalkSettings, ui: UiSettings) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.ptt_enabled = QCheckBox("Use push-to-talk instead of hands-free")
        self.ptt_enabled.setChecked(ptt.enabled)
        form.addRow(self.ptt_enabled)
        self.ptt_mode = QComboBox()
        self.ptt_mode.addItem("Hold the key while speaking", PushToTalkMode.HOLD.value)
        self.ptt_mode.addItem("Press to start, press again to stop", PushToTalkMode.TOGGLE.value)
        self.ptt_mode.setCurrentIndex(self.ptt_mode.findData(ptt.mode.value))
        form.addRow("Mode:", self.ptt_mode)
        self.ptt_key = QKeySequenceEdit(QKeySequence(ptt.key))
        self.ptt_key.setMaximumSequenceLength(1)
        form.addRow("Key in the window:", self.ptt_key)
        self.global_hotkey = QLineEdit(ptt.global_hotkey)
        self.global_hotkey.setToolTip("Works while another app has focus (X11, Windows, macOS)")
        form.addRow("Global hotkey:", self.global_hotkey)
        blocker = global_hotkey_blocker()
        self.global_hotkey_note = QLabel(blocker or "Written like <ctrl>+<alt>+<space> or <f9>.")
        self.global_hotkey_note.setWordWrap(True)
        form.addRow(self.global_hotkey_note)
        self.earcons = QCheckBox("Play a short tone when the mic opens and closes")
        self.earcons.setChecked(ptt.earcons)
        form.addRow(self.earcons)
        self.theme = QComboBox()
        for theme, label in (
            (Theme.SYSTEM, "Follow the system"),
            (Theme.LIGHT, "Light"),
            (Theme.DARK, "Dark"),
        ):
            self.theme.addItem(label, theme.value)
        self.theme.setCurrentIndex(self.theme.findData(ui.theme.value))
        form.addRow("Colours:", self.theme)
        self.show_timestamps = QCheckBox("Show times in the transcript")
        self.show_timestamps.setChecked(ui.show_timestamps)
        form.addRow(self.show_timestamps)
        return page

    # ---- results --------------------------------------------------------------------------

    def current_settings(self) -> AppSettings:
        """The settings as the widgets show them now."""
        connection = dataclasses.replace(
            self._original.connection,
            endpoint=self.endpoint.text().strip(),
            model=self.model.currentText().strip() or self._original.connection.model,
            auth=AuthMethod.ENTRA_ID if self.auth_entra.isChecked() else AuthMethod.API_KEY,
        )
        session = dataclasses.replace(
            self._original.session,
            instructions=self.instructions.toPlainText().strip(),
            voice=VoiceSettings(
                name=self.voice.currentText().strip() or VoiceSettings().name,
                custom_endpoint_id=self.custom_voice_id.text().strip(),
            ),
            temperature=self.temperature.value() / _TEMPERATURE_SCALE,
            max_response_output_tokens=self.max_tokens.value() or None,
            turn_detection=TurnDetectionSettings(
                mode=TurnDetectionMode(self.turn_mode.currentData()),
                threshold=round(self.vad_threshold.value(), 2),
                prefix_padding_ms=self.prefix_padding.value(),
                silence_duration_ms=self.silence_duration.value(),
            ),
            noise_suppression=self.noise_suppression.isChecked(),
            echo_cancellation=self.echo_cancellation.isChecked(),
            # A ticked box with an emptied model name still means "transcribe".
            input_transcription_model=(
                (self.transcription_model.currentText().strip() or TRANSCRIPTION_MODELS[0])
                if self.transcribe.isChecked()
                else ""
            ),
        )
        audio = AudioSettings(
            input_device=device_name(self.input_device),
            output_device=device_name(self.output_device),
            half_duplex=self.half_duplex.isChecked(),
        )
        ptt = dataclasses.replace(
            self._original.push_to_talk,
            enabled=self.ptt_enabled.isChecked(),
            mode=PushToTalkMode(self.ptt_mode.currentData()),
            key=self.ptt_key.keySequence().toString() or self._original.push_to_talk.key,
            global_hotkey=self.global_hotkey.text().strip(),
            earcons=self.earcons.isChecked(),
        )
        ui = dataclasses.replace(
            self._original.ui,
            theme=Theme(self.theme.currentData()),
            show_timestamps=self.show_timestamps.isChecked(),
        )
        return dataclasses.replace(
            self._original,
            connection=connection,
            session=session,
            audio=audio,
            push_to_talk=ptt,
            ui=ui,
        )

    def needs_reconnect(self) -> bool:
        """True while the connection, the key or the devices differ from the session in use."""
        current = self.current_settings()
        devices = (current.audio.input_device, current.audio.output_device)
        in_use = (self._in_use.audio.input_device, self._in_use.audio.output_device)
        return (
            current.connection != self._in_use.connection
            or devices != in_use
            or bool(self.api_key.text().strip())
        )

    def _update_notice(self) -> None:
        needed = self.needs_reconnect()
        self.notice.setVisible(needed)
        self.reconnect_button.setVisible(needed and self._session_live)

    def _apply_and_reconnect(self) -> None:
        self.apply()
        self.reconnect_requested.emit()
        self.accept()

    def _update_vad_enabled(self) -> None:
        vad = self.turn_mode.currentData() != TurnDetectionMode.NONE.value
        for widget in (self.vad_threshold, self.prefix_padding, self.silence_duration):
            widget.setEnabled(vad)

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
        self._original = settings
        self.applied.emit(settings, key)
        self._update_notice()
