"""History recorder: engine event sequences become the turns a user would expect to find later."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from voicelive_desktop.engine.events import (
    AssistantInterrupted,
    AssistantResponseStarted,
    AssistantTranscriptCompleted,
    AssistantTranscriptDelta,
    EngineEvent,
    ResponseFinished,
    SessionState,
    SessionStateChanged,
    TurnLatencyMeasured,
    UserSpeechStarted,
    UserTextSent,
    UserTranscriptCompleted,
    UserTurnCommitted,
)
from voicelive_desktop.history import HistoryRecorder, HistoryStore, Turn, start_recording


class SteppingClock:
    """A clock that moves one second each time it is read, so start/end order is checkable."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore(tmp_path / "history.sqlite3") as opened:
        yield opened


def feed(recorder: HistoryRecorder, *events: EngineEvent) -> None:
    for event in events:
        recorder.handle(event)


def turns(store: HistoryStore, recorder: HistoryRecorder) -> tuple[Turn, ...]:
    conversation = store.load_conversation(recorder.conversation_id)
    return () if conversation is None else conversation.turns


def test_a_spoken_exchange_is_stored_with_times_latency_and_item_ids(store: HistoryStore) -> None:
    recorder = HistoryRecorder(store, clock=SteppingClock())
    feed(
        recorder,
        UserSpeechStarted(audio_start_ms=100),
        AssistantResponseStarted("r1"),
        TurnLatencyMeasured(480.0),
        AssistantTranscriptDelta("r1", "a1", "Hel"),
        UserTranscriptCompleted("u1", "Hello there"),
        AssistantTranscriptDelta("r1", "a1", "lo!"),
        AssistantTranscriptCompleted("r1", "a1", "Hello!"),
        ResponseFinished("r1", "completed"),
    )
    user, assistant = turns(store, recorder)
    assert (user.role, user.text, user.item_id, user.interrupted) == (
        "user",
        "Hello there",
        "u1",
        False,
    )
    assert user.started_at < user.ended_at
    assert (assistant.role, assistant.text, assistant.item_id) == ("assistant", "Hello!", "a1")
    assert assistant.latency_ms == 480.0 and assistant.interrupted is False
    assert assistant.started_at < assistant.ended_at


def test_each_finished_turn_is_in_the_database_before_the_next_event(store: HistoryStore) -> None:
    recorder = HistoryRecorder(store)
    recorder.handle(UserTextSent("u1", "typed question"))
    assert [t.text for t in turns(store, recorder)] == ["typed question"]
    feed(recorder, AssistantResponseStarted("r1"), AssistantTranscriptDelta("r1", "a1", "par"))
    assert len(turns(store, recorder)) == 1  # an answer in progress is not a finished turn
    recorder.handle(AssistantTranscriptCompleted("r1", "a1", "partial answer"))
    assert [t.text for t in turns(store, recorder)] == ["typed question", "partial answer"]


def test_barge_in_before_the_transcript_ends_stores_the_heard_text_as_interrupted(
    store: HistoryStore,
) -> None:
    recorder = HistoryRecorder(store)
    feed(
        recorder,
        UserTextSent("u1", "tell me a long story"),
        AssistantResponseStarted("r1"),
        AssistantTranscriptDelta("r1", "a1", "Once upon "),
        AssistantTranscriptDelta("r1", "a1", "a time"),
        AssistantInterrupted("a1", played_ms=900),
        ResponseFinished("r1", "cancelled"),
    )
    assistant = turns(store, recorder)[1]
    assert (assistant.text, assistant.interrupted) == ("Once upon a time", True)


def test_barge_in_after_the_transcript_was_stored_marks_the_stored_turn(
    store: HistoryStore,
) -> None:
    recorder = HistoryRecorder(store)
    feed(
        recorder,
        AssistantResponseStarted("r1"),
        AssistantTranscriptCompleted("r1", "a1", "The whole answer."),
        AssistantInterrupted("a1", played_ms=300),
        ResponseFinished("r1", "cancelled"),
    )
    (assistant,) = turns(store, recorder)
    assert (assistant.text, assistant.interrupted) == ("The whole answer.", True)


def test_barge_in_with_transcript_done_after_it_keeps_the_interrupted_flag(
    store: HistoryStore,
) -> None:
    recorder = HistoryRecorder(store)
    feed(
        recorder,
        AssistantResponseStarted("r1"),
        AssistantTranscriptDelta("r1", "a1", "Stop me"),
        AssistantInterrupted("a1", played_ms=300),
        AssistantTranscriptCompleted("r1", "a1", "Stop me"),
        ResponseFinished("r1", "cancelled"),
    )
    (assistant,) = turns(store, recorder)
    assert (assistant.text, assistant.interrupted) == ("Stop me", True)


def test_a_duplicate_done_or_late_delta_does_not_store_a_second_turn(store: HistoryStore) -> None:
    recorder = HistoryRecorder(store)
    feed(
        recorder,
        AssistantResponseStarted("r1"),
        AssistantTranscriptCompleted("r1", "a1", "Once."),
        AssistantTranscriptCompleted("r1", "a1", "Once."),
        AssistantTranscriptDelta("r1", "a1", "late"),
        ResponseFinished("r1", "completed"),
    )
    assert [t.text for t in turns(store, recorder)] == ["Once."]


def test_latency_measured_after_the_turn_was_stored_is_added_to_it(store: HistoryStore) -> None:
    recorder = HistoryRecorder(store)
    feed(
        recorder,
        AssistantResponseStarted("r1"),
        AssistantTranscriptCompleted("r1", "a1", "Quick."),
        TurnLatencyMeasured(222.0),
    )
    assert turns(store, recorder)[0].latency_ms == 222.0


def test_a_lost_connection_stores_the_answer_in_progress_as_interrupted(
    store: HistoryStore,
) -> None:
    recorder = HistoryRecorder(store)
    feed(
        recorder,
        AssistantResponseStarted("r1"),
        AssistantTranscriptDelta("r1", "a1", "Half an ans"),
        SessionStateChanged(SessionState.RECONNECTING, SessionState.ASSISTANT_SPEAKING),
    )
    (assistant,) = turns(store, recorder)
    assert (assistant.text, assistant.interrupted) == ("Half an ans", True)


def test_empty_transcripts_and_cancelled_silent_responses_store_nothing(
    store: HistoryStore,
) -> None:
    recorder = HistoryRecorder(store)
    feed(
        recorder,
        UserSpeechStarted(0),
        UserTranscriptCompleted("u1", "  "),
        AssistantResponseStarted("r1"),
        AssistantInterrupted("a1", played_ms=0),
        ResponseFinished("r1", "cancelled"),
    )
    assert turns(store, recorder) == ()
    assert store.list_conversations() == []


def test_a_new_conversation_gets_the_following_turns(store: HistoryStore) -> None:
    recorder = HistoryRecorder(store)
    first = recorder.conversation_id
    feed(recorder, UserTextSent("u1", "one"), AssistantResponseStarted("r1"))
    recorder.handle(AssistantTranscriptDelta("r1", "a1", "unfinished"))
    second = recorder.new_conversation()
    recorder.handle(UserTextSent("u2", "two"))
    assert second != first
    first_turns = store.load_conversation(first)
    second_turns = store.load_conversation(second)
    assert first_turns is not None and second_turns is not None
    assert [(t.text, t.interrupted) for t in first_turns.turns] == [
        ("one", False),
        ("unfinished", True),
    ]
    assert [t.text for t in second_turns.turns] == ["two"]


@pytest.mark.allow_log_warnings(r"history\.conversation_writer: History not saved")
def test_a_failing_store_is_reported_once_per_write_and_never_raised(tmp_path: Path) -> None:
    failures: list[str] = []
    store = HistoryStore(tmp_path / "history.sqlite3")
    recorder = HistoryRecorder(store, on_failure=failures.append)
    store.close()  # every later write fails, as on a disk that went away
    recorder.handle(UserTextSent("u1", "lost?"))
    assert len(failures) == 1
    assert "Cannot write the history file" in failures[0]


def test_an_answer_whose_response_ended_early_is_marked_interrupted(store: HistoryStore) -> None:
    # On a dropped connection the engine closes the response: transcript done, then "incomplete".
    recorder = HistoryRecorder(store)
    feed(
        recorder,
        AssistantResponseStarted("r1"),
        AssistantTranscriptCompleted("r1", "a1", "Partly"),
        ResponseFinished("r1", "incomplete"),
        AssistantResponseStarted("r2"),
        AssistantTranscriptCompleted("r2", "a2", "Whole"),
        ResponseFinished("r2", "completed"),
    )
    assert [(t.text, t.interrupted) for t in turns(store, recorder)] == [
        ("Partly", True),
        ("Whole", False),
    ]


class Emitter:
    """The one engine capability the recorder uses: subscribe, returning an unsubscribe."""

    def __init__(self) -> None:
        self.listeners: list[Callable[[EngineEvent], None]] = []

    def subscribe(self, listener: Callable[[EngineEvent], None]) -> Callable[[], None]:
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)

    def emit(self, event: EngineEvent) -> None:
        for listener in list(self.listeners):
            listener(event)


def test_attaching_to_the_next_engine_detaches_from_the_last_and_keeps_the_conversation(
    tmp_path: Path,
) -> None:
    first, second = Emitter(), Emitter()
    recorder = start_recording(first, path=tmp_path / "history.sqlite3")
    assert recorder is not None
    first.emit(UserTextSent("u1", "before reconnect"))
    recorder.attach(second)
    assert first.listeners == []
    first.emit(UserTextSent("u2", "from a dead engine"))
    second.emit(UserTextSent("u3", "after reconnect"))
    conversation_id = recorder.conversation_id
    recorder.close()
    assert second.listeners == []
    with HistoryStore(tmp_path / "history.sqlite3") as store:
        conversation = store.load_conversation(conversation_id)
    assert conversation is not None
    assert [t.text for t in conversation.turns] == ["before reconnect", "after reconnect"]


@pytest.mark.allow_log_warnings(r"history\.recorder: History is off for this run")
def test_start_recording_reports_an_unopenable_history_and_returns_none(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"not a database" * 50)
    failures: list[str] = []
    assert start_recording(Emitter(), path=path, on_failure=failures.append) is None
    assert "damaged or is not a history database" in failures[0]


def test_a_push_to_talk_transcript_after_the_answer_is_stored_before_it(
    store: HistoryStore,
) -> None:
    """Input transcription is asynchronous: the answer can be stored first, yet the history
    lists the question first (its start is when the turn was committed)."""
    recorder = HistoryRecorder(store, clock=SteppingClock())
    feed(
        recorder,
        UserTurnCommitted("u1", ""),
        AssistantResponseStarted("r1"),
        AssistantTranscriptCompleted("r1", "a1", "It is noon."),
        ResponseFinished("r1", "completed"),
        UserTurnCommitted("u2", "a1"),
        UserTranscriptCompleted("u1", "What time is it?"),
        UserTranscriptCompleted("u2", "Thanks"),
    )
    assert [(t.role, t.text) for t in turns(store, recorder)] == [
        ("user", "What time is it?"),
        ("assistant", "It is noon."),
        ("user", "Thanks"),
    ]
