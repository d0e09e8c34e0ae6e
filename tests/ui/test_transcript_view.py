"""Transcript rendering: streamed deltas, user turns, interruptions, copying, auto-scroll."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from voicelive_desktop.engine.events import (
    AssistantInterrupted,
    AssistantTranscriptCompleted,
    AssistantTranscriptDelta,
    ResponseFinished,
    UserSpeechStarted,
    UserTextSent,
    UserTranscriptCompleted,
    UserTranscriptDelta,
    UserTranscriptFailed,
    UserTurnCommitted,
)
from voicelive_desktop.ui.transcript_view import (
    CUT_SHORT_MARK,
    FAILED_MARK,
    INTERRUPTED_MARK,
    NOT_TRANSCRIBED,
    Role,
    TranscriptView,
)


def _view(qtbot: QtBot) -> TranscriptView:
    view = TranscriptView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    return view


def test_deltas_stream_into_one_assistant_turn(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.show_event(UserTextSent("u1", "What is the capital of France?"))
    for word in ["The ", "capital ", "is ", "Paris."]:
        view.show_event(AssistantTranscriptDelta("r1", "a1", word))
    assert [t.role for t in view.turns] == [Role.USER, Role.ASSISTANT]
    text = view.conversation_text()
    assert "What is the capital of France?" in text
    assert "The capital is Paris." in text
    assert text.index("What is the capital") < text.index("The capital is Paris.")
    view.show_event(AssistantTranscriptCompleted("r1", "a1", "The capital is Paris."))
    assert view.conversation_text().count("The capital is Paris.") == 1


def test_interruption_is_marked_after_the_words_heard(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.show_event(AssistantTranscriptDelta("r1", "a1", "Once upon a time "))
    view.show_event(AssistantInterrupted("a1", played_ms=900))
    view.show_event(AssistantTranscriptDelta("r1", "a1", "there was"))
    text = view.conversation_text()
    assert INTERRUPTED_MARK in text
    assert text.index("Once upon a time") < text.index(INTERRUPTED_MARK)
    assert view.turns[0].interrupted
    # A completed transcript after the cut does not erase the mark.
    view.show_event(AssistantTranscriptCompleted("r1", "a1", "Once upon a time there was a fox"))
    assert INTERRUPTED_MARK in view.conversation_text()


def test_spoken_turn_keeps_its_place_when_the_transcript_arrives_late(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.show_event(UserSpeechStarted(audio_start_ms=0))
    view.show_event(AssistantTranscriptDelta("r1", "a1", "Sure, here you go."))
    view.show_event(UserTranscriptCompleted("u1", "Tell me a joke"))
    text = view.conversation_text()
    assert text.index("Tell me a joke") < text.index("Sure, here you go.")
    assert view.turns[0].item_id == "u1"


def test_transcript_is_selectable_and_copyable(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.show_event(UserTextSent("u1", "hello"))
    view.selectAll()
    view.copy()
    assert "hello" in QGuiApplication.clipboard().text()


def test_auto_scroll_follows_until_the_user_scrolls_up(qtbot: QtBot) -> None:
    view = _view(qtbot)
    for n in range(40):
        view.show_event(UserTextSent(f"u{n}", f"message number {n}"))
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0
    assert bar.value() == bar.maximum()
    bar.setValue(0)  # the user scrolls up to read
    view.show_event(AssistantTranscriptDelta("r1", "a1", "streaming words " * 30))
    view.show_event(UserTextSent("u99", "another"))
    assert bar.value() == 0
    bar.setValue(bar.maximum())  # back at the bottom: following resumes
    view.show_event(AssistantTranscriptDelta("r2", "a2", "more words " * 30))
    assert bar.value() == bar.maximum()


def test_timestamps_can_be_hidden(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.show_event(UserTextSent("u1", "hi"))
    stamp = view.turns[0].at.strftime("%H:%M:%S")
    assert stamp in view.conversation_text()
    view.set_show_timestamps(False)
    assert stamp not in view.conversation_text()
    assert "hi" in view.conversation_text()


def test_a_late_user_transcript_fills_its_place_before_the_answer(qtbot: QtBot) -> None:
    view = _view(qtbot)
    # Push-to-talk: no speech_started; the commit fixes the turn's place.
    view.show_event(UserTurnCommitted("u1", ""))
    view.show_event(AssistantTranscriptDelta("r1", "a1", "It is noon."))
    view.show_event(UserTurnCommitted("u2", "a1"))
    view.show_event(UserTranscriptCompleted("u2", "Thanks"))
    view.show_event(UserTranscriptCompleted("u1", "What time is it?"))
    assert [(t.role, t.text) for t in view.turns] == [
        (Role.USER, "What time is it?"),
        (Role.ASSISTANT, "It is noon."),
        (Role.USER, "Thanks"),
    ]
    text = view.conversation_text()
    assert text.index("What time is it?") < text.index("It is noon.") < text.index("Thanks")


def test_partial_user_transcripts_stream_into_the_turn(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.show_event(UserSpeechStarted(0, "u1"))
    view.show_event(UserTranscriptDelta("u1", "What"))
    view.show_event(UserTranscriptDelta("u1", " time"))
    assert view.turns[0].text == "What time" and view.turns[0].pending
    view.show_event(UserTranscriptCompleted("u1", "What time is it?"))
    assert [(t.text, t.pending) for t in view.turns] == [("What time is it?", False)]


def test_a_failed_transcription_is_shown_at_its_turn(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.show_event(UserTurnCommitted("u1", ""))
    view.show_event(AssistantTranscriptDelta("r1", "a1", "Sorry?"))
    view.show_event(UserTranscriptFailed("u1", "The audio could not be transcribed."))
    assert view.turns[0].text == NOT_TRANSCRIBED
    text = view.conversation_text()
    assert text.index(NOT_TRANSCRIBED) < text.index("The audio could not be transcribed.")
    assert text.index("The audio could not be transcribed.") < text.index("Sorry?")


def test_failed_and_cut_short_answers_say_so_at_their_turn(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.show_event(UserTextSent("u1", "Tell me about the sea"))
    view.show_event(AssistantTranscriptDelta("r1", "a1", "The sea is"))
    view.show_event(ResponseFinished("r1", "incomplete", None, "max_output_tokens", "a1"))
    view.show_event(UserTextSent("u2", "Go on"))
    view.show_event(ResponseFinished("r2", "failed", None, "The model is overloaded.", "a2"))
    view.show_event(ResponseFinished("r3", "cancelled", None, "turn_detected", "a3"))
    lines = view.conversation_text().splitlines()
    assert f"The sea is  {CUT_SHORT_MARK}: the answer reached its length limit" in lines
    assert f"  {FAILED_MARK}: The model is overloaded." in lines
    assert [t.role for t in view.turns] == [Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT]
