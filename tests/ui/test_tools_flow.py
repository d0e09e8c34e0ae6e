"""Tool calls through the whole app: the simulator calls a tool, the engine runs it, the
window shows the card and asks for consent through its real widgets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine import SessionEngine
from voicelive_desktop.engine.events import (
    AssistantTranscriptCompleted,
    ResponseFinished,
    SessionState,
    ToolCallFinished,
    ToolCallStatus,
)
from voicelive_desktop.engine.session_settings import ConnectionSettings
from voicelive_desktop.push_to_talk import session_for
from voicelive_desktop.settings import AppSettings
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.tools.registry import ToolPolicy, ToolRegistry, ToolRisk, ToolSpec
from voicelive_desktop.ui import consent_prompt
from voicelive_desktop.ui.consent_prompt import ConsentPrompt
from voicelive_desktop.ui.engine_adapter import ConversationSession
from voicelive_desktop.ui.sessions import Credential
from voicelive_desktop.ui.state_indicator import AWAITING_APPROVAL_WORDS
from voicelive_desktop.ui.transcript_view import Role

pytestmark = pytest.mark.asyncio
APPROVAL_TIMEOUT_S = 3.0


@pytest.fixture(autouse=True)
def short_arming_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consent_prompt, "ARMING_DELAY_MS", 50)


def quick_consent_session(
    connection: ConnectionSettings,
    credential: Credential,
    settings: AppSettings,
    tools: ToolRegistry | None = None,
) -> ConversationSession:
    """A text session whose unanswered consent prompts time out in 3 s, not 60 s."""
    return SessionEngine(
        connection,
        credential,
        session_for(settings),
        tools=tools,
        approval_timeout_s=APPROVAL_TIMEOUT_S,
    )


class SecretEcho:
    """An Ask tool that records every run: the proof that it ran, or never did."""

    def __init__(self) -> None:
        self.runs: list[str] = []

    def spec(self) -> ToolSpec:
        return ToolSpec(
            "secret_echo",
            "Echoes a secret back.",
            {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
            self._run,
            risk=ToolRisk.PRIVATE_DATA,
            default_policy=ToolPolicy.ASK,
        )

    async def _run(self, arguments: Mapping[str, Any]) -> str:
        self.runs.append(str(arguments["text"]))
        return f"echo {arguments['text']}"


@pytest.fixture
def echo() -> SecretEcho:
    return SecretEcho()


@pytest.fixture
def app(qtbot: QtBot, isolated_env: Path, echo: SecretEcho) -> AppUnderTest:
    app = AppUnderTest(qtbot, isolated_env, quick_consent_session)
    app.controller.tools.registry.register(echo.spec())
    return app


async def _connect(app: AppUnderTest, simulator: VoiceLiveSimulator) -> None:
    await app.connect_to(simulator)
    await wait_until(lambda: app.window.session_state is SessionState.READY, what="ready")


async def _ask_secret(app: AppUnderTest, text: str) -> ConsentPrompt:
    app.window.message_box.setText(f'call secret_echo({{"text": "{text}"}})')
    app.window.message_box.returnPressed.emit()
    await wait_until(lambda: bool(app.window.tool_calls.pending_prompts()), what="the prompt")
    prompt = app.window.tool_calls.pending_prompts()[0]
    await wait_until(lambda: prompt.isVisible() and prompt.armed(), what="an armed prompt")
    await wait_until(prompt.allow_once_button.isEnabled, what="enabled buttons")
    assert json.loads(prompt.arguments.toPlainText()) == {"text": text}
    assert app.window.state_indicator.text == AWAITING_APPROVAL_WORDS
    return prompt


async def _status_follows_the_engine_again(app: AppUnderTest) -> None:
    indicator = app.window.state_indicator
    await wait_until(lambda: indicator.text != AWAITING_APPROVAL_WORDS, what="the status back")
    await wait_until(lambda: app.window.session_state is SessionState.READY, what="ready")
    assert indicator.text == "Listening" and not indicator.awaiting_approval


def _finished(app: AppUnderTest) -> list[ToolCallFinished]:
    return [e for e in app.events if isinstance(e, ToolCallFinished)]


async def test_what_time_is_it_shows_a_card_and_the_answer_says_the_time(
    app: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    await _connect(app, simulator)
    app.window.message_box.setText("What time is it?")
    app.window.message_box.returnPressed.emit()
    await wait_until(lambda: app.count(ResponseFinished) >= 2, what="the answer after the call")
    await wait_until(lambda: app.window.session_state is SessionState.READY, what="ready")
    (finished,) = _finished(app)
    assert finished.name == "get_current_time" and finished.status is ToolCallStatus.OK
    card = app.window.tool_calls.cards[finished.call_id]
    assert card.state_label.text() == "Done"
    assert [t.role for t in app.window.transcript.turns] == [Role.USER, Role.TOOL, Role.ASSISTANT]
    spoken = [e.text for e in app.events if isinstance(e, AssistantTranscriptCompleted)][-1]
    time_said = json.loads(finished.result)
    assert any(str(value) in spoken for value in time_said.values() if value), spoken
    await app.controller.shutdown()


async def test_enter_allows_an_ask_tool_once(
    app: AppUnderTest, simulator: VoiceLiveSimulator, echo: SecretEcho, qtbot: QtBot
) -> None:
    await _connect(app, simulator)
    prompt = await _ask_secret(app, "swordfish")
    assert echo.runs == []  # nothing runs while the prompt waits
    qtbot.keyClick(prompt, Qt.Key.Key_Return)
    await wait_until(lambda: bool(_finished(app)), what="the call to end")
    assert echo.runs == ["swordfish"]
    assert _finished(app)[0].status is ToolCallStatus.OK
    assert app.window.tool_calls.prompts == {}
    assert app.controller.tools.registry.policy("secret_echo") is ToolPolicy.ASK
    await _status_follows_the_engine_again(app)
    await app.controller.shutdown()


async def test_deny_never_runs_the_tool_and_the_card_says_denied(
    app: AppUnderTest, simulator: VoiceLiveSimulator, echo: SecretEcho, qtbot: QtBot
) -> None:
    await _connect(app, simulator)
    prompt = await _ask_secret(app, "swordfish")
    qtbot.mouseClick(prompt.deny_button, Qt.MouseButton.LeftButton)
    await wait_until(lambda: bool(_finished(app)), what="the call to end")
    (finished,) = _finished(app)
    assert finished.status is ToolCallStatus.DENIED
    assert echo.runs == []
    assert app.window.tool_calls.cards[finished.call_id].state_label.text() == "Denied"
    await _status_follows_the_engine_again(app)
    await app.controller.shutdown()


async def test_an_unanswered_prompt_is_denied_when_its_time_runs_out(
    app: AppUnderTest, simulator: VoiceLiveSimulator, echo: SecretEcho
) -> None:
    await _connect(app, simulator)
    prompt = await _ask_secret(app, "swordfish")
    assert prompt.countdown.text() in {f"Denied in {n} s" for n in (1, 2, 3)}
    await wait_until(lambda: bool(_finished(app)), timeout=APPROVAL_TIMEOUT_S + 5, what="timeout")
    (finished,) = _finished(app)
    assert finished.status is ToolCallStatus.DENIED and finished.error
    assert echo.runs == []
    assert app.window.tool_calls.prompts == {}
    card = app.window.tool_calls.cards[finished.call_id]
    assert card.state_label.text() == "Denied" and card.error == finished.error
    await _status_follows_the_engine_again(app)
    await app.controller.shutdown()


async def test_always_allow_runs_now_and_later_without_asking_and_is_saved(
    app: AppUnderTest,
    simulator: VoiceLiveSimulator,
    echo: SecretEcho,
    qtbot: QtBot,
    isolated_env: Path,
) -> None:
    await _connect(app, simulator)
    prompt = await _ask_secret(app, "one")
    qtbot.mouseClick(prompt.always_allow_button, Qt.MouseButton.LeftButton)
    await wait_until(lambda: len(_finished(app)) == 1, what="the first call")
    await wait_until(lambda: app.window.session_state is SessionState.READY, what="ready")
    saved = json.loads((isolated_env / "settings.json").read_text())
    assert saved["tools"]["policies"] == {"secret_echo": "always_allow"}
    app.window.message_box.setText('call secret_echo({"text": "two"})')
    app.window.message_box.returnPressed.emit()
    await wait_until(lambda: len(_finished(app)) == 2, what="the second call")
    assert echo.runs == ["one", "two"]
    assert app.window.tool_calls.pending_prompts() == []
    await app.controller.shutdown()


async def test_a_timer_set_by_voice_is_listed_fires_a_notification_and_leaves_the_list(
    app: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    await _connect(app, simulator)
    app.window.message_box.setText("Set a timer for 2 seconds")
    app.window.message_box.returnPressed.emit()
    strip = app.window.timers_strip
    await wait_until(lambda: len(strip.chips) == 1, what="the timer in the list")
    assert strip.isVisible()
    (chip,) = strip.chips.values()
    assert chip.text.text().startswith(f"{chip.glyph} 2 s timer · 0:0"), chip.text.text()
    # The chip shows as the tool runs; the call ends once its output is sent.
    await wait_until(lambda: [e.name for e in _finished(app)] == ["set_timer"], what="the call")
    # Offscreen there is no tray, so the notification shows in the status bar.
    await wait_until(
        lambda: app.window.statusBar().currentMessage().startswith("Timer done"),
        timeout=6,
        what="the notification",
    )
    assert "Your timer for 2 seconds is up." in app.window.statusBar().currentMessage()
    assert strip.chips == {} and strip.isHidden()
    await app.controller.shutdown()


async def test_a_timer_cancelled_from_the_list_never_fires(
    app: AppUnderTest, simulator: VoiceLiveSimulator, qtbot: QtBot
) -> None:
    await _connect(app, simulator)
    app.window.message_box.setText("Set a timer for 3 seconds")
    app.window.message_box.returnPressed.emit()
    strip = app.window.timers_strip
    await wait_until(lambda: len(strip.chips) == 1, what="the timer in the list")
    (chip,) = strip.chips.values()
    qtbot.mouseClick(chip.cancel_button, Qt.MouseButton.LeftButton)
    assert strip.chips == {} and app.controller.tools.timers.timers() == []
    await asyncio.sleep(3.5)  # past the time it would have fired
    assert not app.window.statusBar().currentMessage().startswith("Timer done")
    await app.controller.shutdown()


class OpenedPages(QObject):
    """Qt's URL-handler hook: gets the pages QDesktopServices would hand to the browser."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def opened_pages() -> Iterator[OpenedPages]:
    pages = OpenedPages()
    QDesktopServices.setUrlHandler("https", pages, "open")
    yield pages
    QDesktopServices.unsetUrlHandler("https")


async def test_the_built_in_open_url_asks_esc_denies_and_enter_opens(
    app: AppUnderTest, simulator: VoiceLiveSimulator, opened_pages: OpenedPages, qtbot: QtBot
) -> None:
    await _connect(app, simulator)

    async def ask() -> ConsentPrompt:
        app.window.message_box.setText("Open example.com/docs")
        app.window.message_box.returnPressed.emit()
        await wait_until(lambda: bool(app.window.tool_calls.pending_prompts()), what="a prompt")
        prompt = app.window.tool_calls.pending_prompts()[0]
        await wait_until(lambda: prompt.isVisible() and prompt.armed(), what="an armed prompt")
        await wait_until(lambda: prompt.hasFocus(), what="the keyboard on the prompt")
        assert prompt.name == "open_url"
        assert json.loads(prompt.arguments.toPlainText()) == {"url": "https://example.com/docs"}
        return prompt

    qtbot.keyClick(await ask(), Qt.Key.Key_Escape)
    await wait_until(lambda: len(_finished(app)) == 1, what="the denied call")
    assert _finished(app)[0].status is ToolCallStatus.DENIED
    await wait_until(lambda: app.window.session_state is SessionState.READY, what="ready")
    assert opened_pages.urls == []

    qtbot.keyClick(await ask(), Qt.Key.Key_Return)
    await wait_until(lambda: len(_finished(app)) == 2, what="the allowed call")
    assert _finished(app)[1].status is ToolCallStatus.OK
    assert opened_pages.urls == ["https://example.com/docs"]
    assert app.controller.tools.registry.policy("open_url") is ToolPolicy.ASK
    await app.controller.shutdown()


def _offered_tools(simulator: VoiceLiveSimulator) -> list[list[str]]:
    """The tool names of every session.update the simulator received, in order."""
    return [
        [tool.get("name", "") for tool in e.payload.get("session", {}).get("tools") or []]
        for e in simulator.received_events
        if e.type == "session.update"
    ]


async def test_a_policy_changed_in_preferences_reaches_the_live_session(
    app: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    await _connect(app, simulator)
    assert "get_current_time" in _offered_tools(simulator)[-1]
    page = app.controller.open_preferences().tools_page
    assert page is not None
    box = page.policy_boxes["get_current_time"]
    box.setCurrentIndex(box.findData(ToolPolicy.OFF.value))
    await wait_until(
        lambda: "get_current_time" not in _offered_tools(simulator)[-1],
        what="a session.update without the tool",
    )
    assert "secret_echo" in _offered_tools(simulator)[-1]
    await app.controller.shutdown()
