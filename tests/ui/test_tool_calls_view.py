"""Tool calls in the transcript: cards in conversation order, their states, and the consent
prompt answered through its real buttons and keys."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from voicelive_desktop.engine.events import (
    AssistantTranscriptDelta,
    ToolApprovalDecision,
    ToolApprovalRequested,
    ToolCallFinished,
    ToolCallStarted,
    ToolCallStatus,
    UserTextSent,
)
from voicelive_desktop.ui import consent_prompt
from voicelive_desktop.ui.consent_prompt import ConsentPrompt
from voicelive_desktop.ui.tool_calls_view import ToolCallsView
from voicelive_desktop.ui.tool_card import STATUS_LABELS, ToolCallCard, summarize_arguments
from voicelive_desktop.ui.transcript_view import Role, TranscriptView

URL_ARGS = json.dumps({"url": "https://example.com/a?b=c"})


@pytest.fixture(autouse=True)
def short_arming_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consent_prompt, "ARMING_DELAY_MS", 50)


def _view(qtbot: QtBot) -> tuple[TranscriptView, ToolCallsView]:
    transcript = TranscriptView()
    qtbot.addWidget(transcript)
    transcript.resize(560, 420)
    transcript.show()
    qtbot.waitExposed(transcript)
    return transcript, ToolCallsView(transcript)


def _y(widget: QWidget) -> int:
    return widget.geometry().top()


def test_a_call_is_a_card_between_the_question_and_the_answer(qtbot: QtBot) -> None:
    transcript, tools = _view(qtbot)
    transcript.show_event(UserTextSent("u1", "What time is it?"))
    tools.show_event(ToolCallStarted("c1", "get_current_time", "{}"))
    transcript.show_event(AssistantTranscriptDelta("r2", "a2", "It is ten past nine."))
    assert [t.role for t in transcript.turns] == [Role.USER, Role.TOOL, Role.ASSISTANT]
    card = tools.cards["c1"]
    qtbot.waitUntil(card.isVisible)
    # The card sits over its own place in the document: below the question, above the answer.
    question = transcript.cursorRect(transcript.document().find("What time")).bottom()
    answer = transcript.cursorRect(transcript.document().find("ten past")).top()
    assert question < _y(card) < card.geometry().bottom() < answer
    text = transcript.conversation_text()
    assert "\ufffc" not in text
    assert text.index("What time") < text.index("[tool] get_current_time") < text.index("ten")


def test_the_card_runs_with_a_spinner_then_shows_how_it_ended(qtbot: QtBot) -> None:
    transcript, tools = _view(qtbot)
    tools.show_event(ToolCallStarted("c1", "set_timer", json.dumps({"seconds": 10})))
    card = tools.cards["c1"]
    assert card.mark.spinning()
    assert card.state_label.text() == STATUS_LABELS[ToolCallStatus.RUNNING]
    assert card.summary_label.text() == "seconds: 10"
    tools.show_event(
        ToolCallFinished("c1", "set_timer", ToolCallStatus.OK, 12.4, "timer 1", '{"id": 1}')
    )
    assert card.summary_label.text() == "seconds: 10 → timer 1"
    assert not card.mark.spinning()
    assert card.state_label.text() == "Done"
    assert card.duration_label.text() == "12 ms"
    assert "[tool] set_timer(seconds: 10) — Done, 12 ms" in transcript.conversation_text()


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (ToolCallStatus.FAILED, "Failed"),
        (ToolCallStatus.DENIED, "Denied"),
        (ToolCallStatus.CANCELLED, "Cancelled"),
    ],
)
def test_failed_denied_and_cancelled_calls_say_why(
    qtbot: QtBot, status: ToolCallStatus, label: str
) -> None:
    _transcript, tools = _view(qtbot)
    tools.show_event(ToolCallStarted("c1", "open_file", '{"path": "/etc/passwd"}'))
    tools.show_event(ToolCallFinished("c1", "open_file", status, 3.0, error="Not under home."))
    card = tools.cards["c1"]
    assert card.state_label.text() == label
    assert card.state_label.toolTip() == "Not under home."
    assert card.summary_label.text() == "path: /etc/passwd → Not under home."
    card.set_expanded(True)
    assert "Not under home." in card.details.toPlainText()


def test_expanding_shows_the_arguments_and_result_and_makes_room(qtbot: QtBot) -> None:
    _transcript, tools = _view(qtbot)
    tools.show_event(ToolCallStarted("c1", "open_url", URL_ARGS))
    tools.show_event(ToolCallFinished("c2", "x", ToolCallStatus.OK, 1.0))  # a second card
    tools.show_event(ToolCallFinished("c1", "open_url", ToolCallStatus.OK, 40.0, "", '"opened"'))
    first, second = tools.cards["c1"], tools.cards["c2"]
    qtbot.waitUntil(lambda: second.isVisible() and _y(second) > first.geometry().bottom())
    collapsed_gap = _y(second) - first.geometry().bottom()
    assert not first.details.isVisible()
    qtbot.mouseClick(first.expand_button, Qt.MouseButton.LeftButton)
    assert first.details.isVisible()
    details = first.details.toPlainText()
    assert '"url": "https://example.com/a?b=c"' in details and '"opened"' in details
    # The document reserves the taller card's height: the next card moves down, no overlap.
    qtbot.waitUntil(lambda: _y(second) - first.geometry().bottom() == collapsed_gap)
    assert first.expand_button.accessibleName() == "Hide details of the open_url call"


def test_summaries_are_one_short_line() -> None:
    assert summarize_arguments("{}") == "no arguments"
    assert summarize_arguments('{"q": "Mars\\nrover", "n": 3}') == "q: Mars rover, n: 3"
    assert summarize_arguments("not json") == "not json"
    long = summarize_arguments(json.dumps({"text": "x" * 500}))
    assert len(long) == 90 and long.endswith("…")


def test_invisible_characters_show_as_escapes_that_are_the_same_json(qtbot: QtBot) -> None:
    """A right-to-left override made "https://example.com/\u202egpj.exe" read as ".../exe.jpg"."""
    arguments = json.dumps(
        {"url": "https://example.com/\u202egpj.exe", "note": "a\u200bb \U000e0041 ok é"},
        ensure_ascii=False,
    )
    _transcript, tools = _view(qtbot)
    tools.show_event(ToolCallStarted("c1", "open_url", arguments))
    tools.show_event(ToolApprovalRequested("c1", "open_url", arguments, "opens_things", 60.0))
    shown = tools.prompts["c1"].arguments.toPlainText()
    assert "\\u202e" in shown and "\\u200b" in shown and "\\udb40\\udc41" in shown
    assert "\u202e" not in shown and "\u200b" not in shown and "é" in shown
    assert json.loads(shown) == json.loads(arguments)
    summary = tools.cards["c1"].summary_label.text()
    assert "\\u202egpj.exe" in summary and "\u202e" not in summary


# ---- consent ------------------------------------------------------------------------------


def _ask(
    qtbot: QtBot, timeout_s: float = 60.0
) -> tuple[TranscriptView, ToolCallsView, ConsentPrompt, list[tuple[str, object]]]:
    transcript, tools = _view(qtbot)
    answers: list[tuple[str, object]] = []
    tools.approval_answered.connect(lambda c, d: answers.append((c, d)))
    tools.show_event(ToolCallStarted("c1", "open_url", URL_ARGS))
    tools.show_event(ToolApprovalRequested("c1", "open_url", URL_ARGS, "opens_things", timeout_s))
    prompt = tools.prompts["c1"]
    qtbot.waitUntil(lambda: prompt.isVisible() and prompt.armed())
    qtbot.waitUntil(prompt.allow_once_button.isEnabled)
    return transcript, tools, prompt, answers


def test_the_prompt_shows_the_exact_arguments_under_the_card(qtbot: QtBot) -> None:
    _transcript, tools, prompt, _answers = _ask(qtbot)
    assert '"url": "https://example.com/a?b=c"' in prompt.arguments.toPlainText()
    assert "Opens things" in prompt.risk_label.text()
    assert _y(prompt) > tools.cards["c1"].geometry().bottom()
    assert tools.cards["c1"].state_label.text() == "Waiting for you"
    assert prompt.hasFocus()


@pytest.mark.parametrize(
    ("button", "decision"),
    [
        ("allow_once_button", ToolApprovalDecision.ALLOW_ONCE),
        ("always_allow_button", ToolApprovalDecision.ALWAYS_ALLOW),
        ("deny_button", ToolApprovalDecision.DENY),
    ],
)
def test_each_button_answers_once(
    qtbot: QtBot, button: str, decision: ToolApprovalDecision
) -> None:
    _transcript, _tools, prompt, answers = _ask(qtbot)
    qtbot.mouseClick(getattr(prompt, button), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(prompt.deny_button, Qt.MouseButton.LeftButton)  # a second click: no-op
    assert answers == [("c1", decision)]
    assert not prompt.allow_once_button.isEnabled()


def test_enter_allows_once_and_the_finished_call_removes_the_prompt(qtbot: QtBot) -> None:
    transcript, tools, prompt, answers = _ask(qtbot)
    qtbot.keyClick(prompt, Qt.Key.Key_Return)
    assert answers == [("c1", ToolApprovalDecision.ALLOW_ONCE)]
    tools.show_event(ToolCallFinished("c1", "open_url", ToolCallStatus.OK, 900.0, "", "true"))
    assert "c1" not in tools.prompts
    assert [t.role for t in transcript.turns] == [Role.TOOL]
    assert tools.cards["c1"].state_label.text() == "Done"


def test_escape_denies(qtbot: QtBot) -> None:
    _transcript, _tools, prompt, answers = _ask(qtbot)
    qtbot.keyClick(prompt, Qt.Key.Key_Escape)
    assert answers == [("c1", ToolApprovalDecision.DENY)]


def test_enter_on_a_focused_button_presses_that_button(qtbot: QtBot) -> None:
    _transcript, _tools, prompt, answers = _ask(qtbot)
    prompt.deny_button.setFocus()
    qtbot.keyClick(prompt.deny_button, Qt.Key.Key_Return)
    assert answers == [("c1", ToolApprovalDecision.DENY)]


def test_an_enter_in_the_first_moment_does_not_allow(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consent_prompt, "ARMING_DELAY_MS", 5000)
    _transcript, tools = _view(qtbot)
    answers: list[object] = []
    tools.approval_answered.connect(lambda c, d: answers.append(d))
    tools.show_event(ToolApprovalRequested("c1", "open_url", URL_ARGS, "opens_things", 60))
    prompt = tools.prompts["c1"]
    qtbot.waitUntil(prompt.hasFocus)
    qtbot.keyClick(prompt, Qt.Key.Key_Return)  # typed for the message box a moment ago
    assert answers == []
    assert not prompt.allow_once_button.isEnabled()
    qtbot.keyClick(prompt, Qt.Key.Key_Escape)  # saying no is never delayed
    assert answers == [ToolApprovalDecision.DENY]


def test_the_countdown_runs_out_and_the_engines_denial_closes_the_prompt(qtbot: QtBot) -> None:
    _transcript, tools, prompt, answers = _ask(qtbot, timeout_s=2.0)
    assert prompt.countdown.text() in {"Denied in 2 s", "Denied in 1 s"}
    qtbot.waitUntil(lambda: prompt.countdown.text() == "No answer: denied", timeout=5000)
    assert not prompt.allow_once_button.isEnabled()
    assert answers == []  # the engine enforces the timeout and reports the denial
    tools.show_event(
        ToolCallFinished("c1", "open_url", ToolCallStatus.DENIED, 2000.0, error="No answer.")
    )
    assert tools.prompts == {}
    assert tools.cards["c1"].state_label.text() == "Denied"


def test_clearing_the_conversation_denies_a_waiting_call(qtbot: QtBot) -> None:
    transcript, _tools, _prompt, answers = _ask(qtbot)
    transcript.clear_conversation()
    qtbot.waitUntil(lambda: answers == [("c1", ToolApprovalDecision.DENY)])


def test_copying_a_selection_with_a_card_copies_its_text(qtbot: QtBot) -> None:
    transcript, tools = _view(qtbot)
    transcript.show_event(UserTextSent("u1", "hi"))
    tools.show_event(ToolCallStarted("c1", "get_current_time", "{}"))
    transcript.selectAll()
    transcript.copy()
    copied = QGuiApplication.clipboard().text()
    assert "[tool] get_current_time(no arguments)" in copied and "\ufffc" not in copied


def test_every_new_control_has_an_accessible_name(qtbot: QtBot) -> None:
    _transcript, tools, prompt, _answers = _ask(qtbot)
    card: ToolCallCard = tools.cards["c1"]
    for widget in (
        card,
        card.expand_button,
        card.details,
        prompt,
        prompt.arguments,
        prompt.allow_once_button,
        prompt.always_allow_button,
        prompt.deny_button,
        prompt.countdown,
    ):
        # What a screen reader gets, through Qt's accessibility interface.
        interface = QAccessible.queryAccessibleInterface(widget)
        assert interface is not None
        assert interface.text(QAccessible.Text.Name) == widget.accessibleName() != ""


def test_a_prompt_at_the_end_of_a_long_conversation_is_scrolled_into_view(
    qtbot: QtBot,
) -> None:
    transcript, tools = _view(qtbot)
    for n in range(30):
        transcript.show_event(UserTextSent(f"u{n}", f"message number {n}"))
    tools.show_event(ToolCallStarted("c1", "open_url", URL_ARGS))
    tools.show_event(ToolApprovalRequested("c1", "open_url", URL_ARGS, "opens_things", 60))
    prompt = tools.prompts["c1"]
    viewport = transcript.viewport()
    qtbot.waitUntil(
        lambda: prompt.isVisible() and 0 < prompt.geometry().bottom() <= viewport.height()
    )


def test_a_call_the_service_runs_says_so_on_its_card(qtbot: QtBot) -> None:
    _transcript, tools = _view(qtbot)
    tools.show_event(ToolCallStarted("c1", "roll", '{"sides": 20}', source="mcp_remote"))
    tools.show_event(ToolCallStarted("c2", "get_current_time", "{}"))
    assert tools.cards["c1"].source_label.text() == "remote MCP"
    assert tools.cards["c1"].source_label.isVisibleTo(tools.cards["c1"])
    assert not tools.cards["c2"].source_label.isVisibleTo(tools.cards["c2"])


def test_parallel_prompts_are_answered_oldest_first_from_the_keyboard(qtbot: QtBot) -> None:
    _transcript, tools = _view(qtbot)
    answers: list[tuple[str, object]] = []
    tools.approval_answered.connect(lambda c, d: answers.append((c, d)))
    for call_id in ("c1", "c2"):
        tools.show_event(ToolCallStarted(call_id, "open_url", URL_ARGS))
        tools.show_event(ToolApprovalRequested(call_id, "open_url", URL_ARGS, "opens_things", 60))
    first, second = tools.prompts["c1"], tools.prompts["c2"]
    qtbot.waitUntil(lambda: first.hasFocus() and first.armed() and second.armed())
    qtbot.keyClick(first, Qt.Key.Key_Escape)
    assert second.hasFocus()
    qtbot.keyClick(second, Qt.Key.Key_Return)
    assert answers == [("c1", ToolApprovalDecision.DENY), ("c2", ToolApprovalDecision.ALLOW_ONCE)]


def test_a_call_cleared_away_while_running_does_not_come_back(qtbot: QtBot) -> None:
    transcript, tools = _view(qtbot)
    tools.show_event(ToolCallStarted("c1", "set_timer", '{"seconds": 5}'))
    transcript.clear_conversation()
    qtbot.waitUntil(lambda: tools.cards == {})
    tools.show_event(ToolCallFinished("c1", "set_timer", ToolCallStatus.OK, 5.0))
    assert tools.cards == {} and transcript.turns == []
    tools.show_event(ToolCallStarted("c2", "get_current_time", "{}"))  # new calls still show
    assert list(tools.cards) == ["c2"]
