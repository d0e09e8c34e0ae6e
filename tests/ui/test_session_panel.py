"""The session panel: each control applies live, checked on the simulator's session.updated."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QSlider
from pytestqt.qtbot import QtBot

from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.events import (
    AssistantTranscriptCompleted,
    SessionState,
    UserTextSent,
)
from voicelive_desktop.engine.session_settings import (
    EchoCancellationMode,
    EndOfUtteranceLevel,
    EndOfUtteranceModel,
    TurnDetectionMode,
)
from voicelive_desktop.protocol import vad_threshold_dbfs
from voicelive_desktop.settings import AppSettings
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.session_panel import ApplyStatus
from voicelive_desktop.ui.sessions import text_session
from voicelive_desktop.ui.setting_fields import PANEL_SECTIONS
from voicelive_desktop.ui.turn_taking_fields import PUSH_TO_TALK
from voicelive_desktop.ui.voice_picker import VoicePicker
from voicelive_desktop.ui.voice_preview import SAMPLE_SENTENCE

Session = dict[str, Any]


def _semantic(app: AppUnderTest) -> None:
    """Azure semantic VAD, which the filler-word and language controls need."""
    _edit(app, "turn_mode", TurnDetectionMode.AZURE_SEMANTIC_VAD)


def _eou(app: AppUnderTest) -> None:
    _edit(app, "end_of_utterance", EndOfUtteranceModel.SEMANTIC)


# field key, value to enter, what must come before, what session.updated must then say
CASES: list[tuple[str, Any, Callable[[AppUnderTest], None] | None, Callable[[Session], bool]]] = [
    ("voice", "en-GB-SoniaNeural", None, lambda s: s["voice"]["name"] == "en-GB-SoniaNeural"),
    ("voice", "coral", None, lambda s: s["voice"] == {"type": "openai", "name": "coral"}),
    (
        "custom_voice_id",
        "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        None,
        lambda s: (
            s["voice"]["type"] == "azure-custom"
            and s["voice"]["endpoint_id"] == "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        ),
    ),
    ("voice_temperature", 0.35, None, lambda s: s["voice"]["temperature"] == 0.35),
    ("temperature", 1.1, None, lambda s: s["temperature"] == 1.1),
    (
        "turn_mode",
        TurnDetectionMode.AZURE_SEMANTIC_VAD_MULTILINGUAL,
        None,
        lambda s: s["turn_detection"]["type"] == "azure_semantic_vad_multilingual",
    ),
    ("turn_mode", PUSH_TO_TALK, None, lambda s: s["turn_detection"] is None),
    ("vad_threshold", 0.7, None, lambda s: s["turn_detection"]["threshold"] == 0.7),
    ("prefix_padding", 450, None, lambda s: s["turn_detection"]["prefix_padding_ms"] == 450),
    ("silence_duration", 900, None, lambda s: s["turn_detection"]["silence_duration_ms"] == 900),
    (
        "remove_filler_words",
        True,
        _semantic,
        lambda s: s["turn_detection"]["remove_filler_words"] is True,
    ),
    (
        "end_of_utterance",
        EndOfUtteranceModel.SEMANTIC_MULTILINGUAL,
        None,
        lambda s: (
            s["turn_detection"]["end_of_utterance_detection"]["model"]
            == "semantic_detection_v1_multilingual"
        ),
    ),
    (
        "end_of_utterance_level",
        EndOfUtteranceLevel.HIGH,
        _eou,
        lambda s: s["turn_detection"]["end_of_utterance_detection"]["threshold_level"] == "high",
    ),
    (
        "end_of_utterance_timeout",
        2500,
        _eou,
        lambda s: s["turn_detection"]["end_of_utterance_detection"]["timeout_ms"] == 2500,
    ),
    (
        "languages",
        ("en-US", "es-ES"),
        _semantic,
        lambda s: s["turn_detection"]["languages"] == ["en-US", "es-ES"],
    ),
    ("speaking_rate", 1.3, None, lambda s: s["voice"]["rate"] == "1.3"),
    ("noise_suppression", False, None, lambda s: s["input_audio_noise_reduction"] is None),
    (
        "transcription_model",
        "gpt-4o-transcribe",
        None,
        lambda s: s["input_audio_transcription"]["model"] == "gpt-4o-transcribe",
    ),
    (
        "transcription_language",
        "de-DE",
        None,
        lambda s: s["input_audio_transcription"]["language"] == "de-DE",
    ),
    (
        "instructions",
        "Answer like a pirate.",
        None,
        lambda s: s["instructions"] == "Answer like a pirate.",
    ),
]


def _edit(app: AppUnderTest, key: str, value: Any) -> None:
    app.window.session_panel.editors[key].enter(value)
    app.window.session_panel.flush_edits()


def test_every_panel_field_has_a_live_test() -> None:
    tested = {case[0] for case in CASES}
    in_panel = {key for keys in PANEL_SECTIONS.values() for key in keys}
    # The greeting only acts when a session opens, the echo mode fixes mono or stereo
    # input for a session, and the devices switch without a session.update: each has a test
    # of its own (the devices in test_session_panel_devices.py). The phrase list needs a text
    # model (test_transcription_choices.py).
    assert in_panel - tested == {
        "phrase_list",
        "greet_on_connect",
        "echo_cancellation",
        "input_device",
        "output_device",
    }


@pytest.mark.asyncio
async def test_the_echo_mode_is_kept_for_the_next_connection(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    await app.connect_to(simulator)
    panel = app.window.session_panel
    updates_before = len(simulator.sent_of("session.updated"))
    _edit(app, "echo_cancellation", EchoCancellationMode.THIS_COMPUTER)
    await wait_until(lambda: panel.status is ApplyStatus.ON_RECONNECT, what="kept for later")
    assert len(simulator.sent_of("session.updated")) == updates_before
    await app.controller.shutdown()
    saved = app.store.load().settings
    assert saved.session.echo_cancellation is EchoCancellationMode.THIS_COMPUTER


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("key", "value", "before", "check"), CASES, ids=[f"{c[0]}={c[1]}" for c in CASES]
)
async def test_panel_control_applies_live(
    app_under_test: AppUnderTest,
    simulator: VoiceLiveSimulator,
    key: str,
    value: Any,
    before: Callable[[AppUnderTest], None] | None,
    check: Callable[[Session], bool],
) -> None:
    app = app_under_test
    await app.connect_to(simulator)
    panel = app.window.session_panel
    if before is not None:
        before(app)
        await wait_until(lambda: panel.status is ApplyStatus.APPLIED, what="the first change")
    updates_before = len(simulator.sent_of("session.updated"))
    _edit(app, key, value)
    assert panel.status is ApplyStatus.APPLYING
    await wait_until(lambda: panel.status is ApplyStatus.APPLIED, what=f"{key} applied")
    updates = simulator.sent_of("session.updated")
    assert len(updates) == updates_before + 1
    assert check(updates[-1]["session"]), updates[-1]["session"]
    assert panel.status_label.text().endswith("Applied")
    await app.controller.shutdown()
    # Saved too: the next start shows the same value.
    saved = app.store.load().settings
    assert app.window.session_panel.editors[key].value() == _read(saved, key)


def _read(settings: AppSettings, key: str) -> Any:
    from voicelive_desktop.ui.setting_fields import FIELDS_BY_KEY

    return FIELDS_BY_KEY[key].read(settings)


@pytest.mark.asyncio
async def test_greeting_option_makes_the_assistant_speak_first(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    await app.connect_to(simulator)
    panel = app.window.session_panel
    _edit(app, "greet_on_connect", True)
    # A greeting belongs to the start of a session: the open one is not greeted again.
    assert panel.status is ApplyStatus.ON_RECONNECT
    assert panel.reconnect_button.isVisibleTo(panel)
    panel.reconnect_button.click()
    await wait_until(lambda: len(simulator.handshakes) == 2, what="the second connection")
    await wait_until(
        lambda: app.count(AssistantTranscriptCompleted) == 1, what="the assistant's greeting"
    )
    system = simulator.received_of("conversation.item.create")[-1]["item"]
    assert system["role"] == "system" and "Greet" in system["content"][0]["text"]
    assert "Hello" in app.window.transcript.conversation_text()
    assert not app.count(UserTextSent)  # nobody said anything first
    await app.controller.shutdown()


@pytest.mark.allow_log_warnings(r"server_errors: server error event \(caused by session\.update")
@pytest.mark.asyncio
async def test_a_refused_change_shows_the_services_error(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    await app.connect_to(simulator)
    panel = app.window.session_panel
    _semantic(app)
    await wait_until(lambda: panel.status is ApplyStatus.APPLIED, what="semantic VAD")
    _edit(app, "languages", ("english!",))
    await wait_until(lambda: panel.status is ApplyStatus.REFUSED, what="the refusal")
    assert "languages" in panel.status_label.text()
    assert "BCP-47" in panel.status_label.text()
    await app.controller.shutdown()


def test_changes_while_disconnected_are_saved_for_the_next_session(
    app_under_test: AppUnderTest,
) -> None:
    app = app_under_test
    panel = app.window.session_panel
    _edit(app, "temperature", 0.9)
    assert panel.status is ApplyStatus.SAVED
    assert "when you connect" in panel.status_label.text()
    assert app.store.load().settings.session.temperature == 0.9


@pytest.mark.asyncio
async def test_the_temperature_slider_stops_at_the_models_limit_and_applies_it(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    settings = app.controller.settings
    cascaded = dataclasses.replace(
        settings,
        connection=dataclasses.replace(settings.connection, model="gpt-4.1"),
        session=dataclasses.replace(settings.session, temperature=0.9),
    )
    panel = app.window.session_panel
    panel.editors["temperature"].enter(1.15)  # fine for gpt-realtime
    panel.flush_edits()
    edits: list[object] = []
    panel.settings_edited.connect(lambda s, _keys: edits.append(s))
    app.controller.apply_preferences(cascaded, "")
    assert panel.editors["temperature"].value() == 0.9
    panel.flush_edits()
    assert not edits  # showing settings sends nothing back
    await app.connect_to(simulator)
    slider = panel.editors["temperature"].focus
    assert isinstance(slider, QSlider)
    slider.setFocus()
    QTest.keyClick(slider, Qt.Key.Key_End)  # as far as it goes
    panel.flush_edits()
    await wait_until(lambda: panel.status is ApplyStatus.APPLIED, what="the temperature applied")
    assert simulator.sent_of("session.updated")[-1]["session"]["temperature"] == 1.0
    assert "0.6 to 1)" in slider.toolTip()
    await app.controller.shutdown()
    assert app.store.load().settings.session.temperature == 1.0


def test_panel_state_and_width_are_remembered(app_under_test: AppUnderTest) -> None:
    app = app_under_test
    app.window.resize(1100, 700)
    app.window.restore_panel(True, 380)
    assert abs(app.window.panel_width() - 380) <= 8
    app.window.panel_action.trigger()  # View → Session panel
    assert not app.window.panel_open


def test_vad_threshold_is_a_line_on_the_mic_meter(app_under_test: AppUnderTest) -> None:
    app = app_under_test
    meter = app.window.mic_meter
    assert meter.threshold_db == vad_threshold_dbfs(0.5)
    app.window.session_panel.editors["vad_threshold"].focus.setValue(0.8)  # typed, not applied
    assert meter.threshold_db == vad_threshold_dbfs(0.8)
    _edit(app, "turn_mode", PUSH_TO_TALK)  # the user decides: no threshold to show
    assert meter.threshold_db is None
    _edit(app, "turn_mode", TurnDetectionMode.SERVER_VAD)
    assert meter.threshold_db == vad_threshold_dbfs(0.8)
    assert "threshold" in meter.accessibleDescription()


@pytest.mark.asyncio
async def test_preview_speaks_in_a_separate_session_and_leaves_the_conversation_alone(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    await app.connect_to(simulator)
    panel = app.window.session_panel
    updates_before = len(simulator.received_of("session.update"))
    panel.editors["voice"].set_value("en-GB-SoniaNeural")  # shown, not yet applied
    preview = app.controller.panel.preview
    finished: list[str] = []
    preview.finished.connect(finished.append)
    panel.preview_button.click()
    await wait_until(lambda: preview.busy, what="the preview to start")
    assert not panel.preview_button.isEnabled()  # one preview at a time
    await wait_until(lambda: finished == ["completed"], timeout=20, what="the sentence played")
    await wait_until(lambda: not preview.busy, what="the preview to close")
    assert panel.preview_button.isEnabled()
    assert len(simulator.handshakes) == 2  # its own connection
    preview_update = simulator.received_of("session.update")[-1]["session"]
    assert preview_update["voice"]["name"] == "en-GB-SoniaNeural"
    assert preview_update["turn_detection"] is None  # the preview's mic never takes a turn
    spoken = simulator.received_of("response.create")[-1]["response"]
    text = spoken["pre_generated_assistant_message"]["content"][0]["text"]
    assert text == SAMPLE_SENTENCE
    # The conversation was not touched: no update sent to it, nothing in its transcript.
    assert len(simulator.received_of("session.update")) == updates_before + 1
    assert SAMPLE_SENTENCE not in app.window.transcript.conversation_text()
    assert app.window.session_state is SessionState.READY
    await app.controller.shutdown()


@pytest.mark.asyncio
async def test_preview_works_in_the_offline_demo_without_a_connection(
    app_under_test: AppUnderTest,
) -> None:
    app = app_under_test
    preview = app.controller.panel.preview
    finished: list[str] = []
    preview.finished.connect(finished.append)
    app.window.session_panel.preview_button.click()
    await wait_until(lambda: finished == ["completed"], timeout=20, what="the demo preview")
    assert app.controller.demo_server is not None
    assert app.controller.demo_server.received_of("response.create")
    await app.controller.shutdown()


@pytest.mark.asyncio
async def test_quick_successive_changes_each_wait_for_their_own_session_updated(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    await app.connect_to(simulator)
    panel = app.window.session_panel
    simulator.faults.session_updated_delay_s = 0.4  # a slow service: the updates overlap
    _edit(app, "temperature", 0.9)
    _edit(app, "temperature", 1.0)
    _edit(app, "voice", "en-GB-RyanNeural")
    await wait_until(
        lambda: len(simulator.sent_of("session.updated")) == 4, timeout=10, what="three updates"
    )
    await app.controller.adapter.wait_idle()  # every update has had its answer
    assert panel.status is ApplyStatus.APPLIED, panel.status_label.text()
    final = simulator.sent_of("session.updated")[-1]["session"]
    assert final["temperature"] == 1.0 and final["voice"]["name"] == "en-GB-RyanNeural"
    assert not app.window.error_banner.isVisible()
    await app.controller.shutdown()


def test_voice_picker_groups_by_kind_shows_locales_and_searches(qtbot: QtBot) -> None:
    picker = VoicePicker()
    qtbot.addWidget(picker)
    model = picker.combo.model()
    rows = [model.index(row, 0) for row in range(model.rowCount())]
    headers = [i.data() for i in rows if not i.flags() & Qt.ItemFlag.ItemIsSelectable]
    assert headers == ["Azure HD", "Azure standard", "OpenAI"]
    assert any("Sonia · en-GB · Azure standard" in str(i.data()) for i in rows)
    completer = picker.combo.completer()
    completer.setCompletionPrefix("de-DE")
    found = {
        completer.completionModel().index(r, 0).data() for r in range(completer.completionCount())
    }
    assert found == {"Seraphina · de-DE · Azure HD", "Katja · de-DE · Azure standard"}
    picker.set_voice_name("my-brand-voice")  # a name typed elsewhere is kept, not lost
    assert picker.voice_name() == "my-brand-voice"
    assert picker.combo.currentText() == "my-brand-voice · Azure standard"
    rows = [model.index(row, 0).data() for row in range(model.rowCount())]
    # ... and listed in its own kind's group, not after the last one.
    assert rows.index("Azure standard") < rows.index("    my-brand-voice · Azure standard")
    assert rows.index("    my-brand-voice · Azure standard") < rows.index("OpenAI")
    picker.set_custom_endpoint("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
    assert picker.combo.currentText() == "my-brand-voice · Custom"
    assert picker.voice_name() == "my-brand-voice"
    rows = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert rows[-2:] == ["Custom", "    my-brand-voice · Custom"]


@pytest.mark.asyncio
async def test_panel_closed_state_and_width_survive_a_restart(
    app_under_test: AppUnderTest, qtbot: QtBot
) -> None:
    app = app_under_test
    app.window.resize(1100, 700)
    app.window.restore_panel(True, 410)
    width = app.window.panel_width()
    app.window.panel_button.click()  # hide it
    await app.controller.shutdown()
    saved = app.store.load().settings.ui
    assert not saved.session_panel_open and saved.session_panel_width == width
    again = AppUnderTest(qtbot, app.store.config_dir, text_session)
    assert not again.window.panel_open
    again.window.resize(1100, 700)  # the header's buttons set the conversation's minimum
    again.window.panel_action.trigger()
    assert again.window.panel_open
    assert abs(again.window.panel_width() - width) <= 8


@pytest.mark.asyncio
async def test_an_instruction_preset_fills_the_prompt_and_applies(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    await app.connect_to(simulator)
    panel = app.window.session_panel
    presets = panel.editors["instructions"].presets  # type: ignore[attr-defined]
    tutor = presets.findText("Friendly tutor")
    presets.activated.emit(tutor)  # what choosing it with keyboard or mouse does
    assert presets.currentIndex() == 0  # back to "Presets…", ready for another choice
    panel.flush_edits()
    await wait_until(lambda: panel.status is ApplyStatus.APPLIED, what="the preset applied")
    sent = simulator.sent_of("session.updated")[-1]["session"]["instructions"]
    assert sent.startswith("You are a patient tutor")
    await app.controller.shutdown()
