"""Server event dispatch without a socket: turns, barge-in, latency, hostile shapes."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import pytest
from azure.ai.voicelive.models import ServerEvent

from voicelive_desktop.engine import (
    AssistantAudioReceived,
    AssistantInterrupted,
    AssistantTranscriptCompleted,
    EngineEvent,
    ErrorKind,
    ResponseFinished,
    SessionConfigured,
    SessionErrorReported,
    SessionState,
    TurnLatencyMeasured,
    UserTranscriptCompleted,
)
from voicelive_desktop.engine.barge_in import BargeIn
from voicelive_desktop.engine.conversation_memory import ConversationMemory
from voicelive_desktop.engine.server_events import ServerEventHandler
from voicelive_desktop.engine.state import SessionStateMachine

PCM_100MS = b"\x10\x00" * 2400
B64_100MS = base64.b64encode(PCM_100MS).decode()


class CountingPlayback:
    """Plays nothing; 'played' is set by the test, like a speaker that is part-way through."""

    def __init__(self) -> None:
        self.queued: dict[str, int] = {}
        self.enqueued_sizes: list[int] = []
        self.played = 0
        self.flushes = 0

    def enqueue(self, item_id: str, pcm16: bytes) -> None:
        self.queued[item_id] = self.queued.get(item_id, 0) + len(pcm16)
        self.enqueued_sizes.append(len(pcm16))

    def flush(self) -> None:
        self.flushes += 1
        self.queued.clear()

    def played_ms(self, item_id: str) -> int:
        return self.played

    def is_playing(self) -> bool:
        return bool(self.queued)


class Harness:
    """A handler wired to a real state machine and memory, with a fake clock."""

    def __init__(self) -> None:
        self.events: list[EngineEvent] = []
        self.barge_ins: list[BargeIn] = []
        self.updated = 0
        self.now = 100.0
        self.playback = CountingPlayback()
        self.memory = ConversationMemory(max_turns=4)
        self.states = SessionStateMachine(lambda new, old: None)
        self.states.advance(SessionState.CONNECTING)
        self.states.advance(SessionState.READY)
        self.handler = ServerEventHandler(
            emit=self.events.append,
            states=self.states,
            memory=self.memory,
            playback=self.playback,
            on_session_updated=self._updated,
            on_barge_in=self.barge_ins.append,
            clock=lambda: self.now,
        )

    def _updated(self, session: Mapping[str, Any]) -> None:
        self.updated += 1

    def server_vad_without_interrupt(self) -> None:
        """A session whose server VAD does not cancel responses: the client cancels."""
        detection = {"type": "server_vad", "interrupt_response": False}
        self.feed({"type": "session.updated", "session": {"id": "s", "turn_detection": detection}})

    def feed(self, *events: dict[str, Any]) -> None:
        for event in events:
            # The engine hands over what the SDK parsed; do the same.
            self.handler.handle(ServerEvent._deserialize(event, []))  # type: ignore[no-untyped-call]

    def state(self) -> SessionState:
        return self.states.state

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


def response_start(response_id: str, item_id: str) -> list[dict[str, Any]]:
    return [
        {"type": "response.created", "response": {"id": response_id}},
        {
            "type": "response.output_item.added",
            "response_id": response_id,
            "item": {"id": item_id, "type": "message"},
        },
    ]


def audio(response_id: str, item_id: str, delta: str = B64_100MS) -> dict[str, Any]:
    return {
        "type": "response.audio.delta",
        "response_id": response_id,
        "item_id": item_id,
        "delta": delta,
    }


def done(response_id: str, status: str = "completed") -> dict[str, Any]:
    return {
        "type": "response.done",
        "response": {"id": response_id, "status": status, "usage": {"output_tokens": 9}},
    }


def test_voice_turn_reports_transcripts_latency_and_returns_to_ready() -> None:
    h = Harness()
    h.feed(
        {"type": "session.updated", "session": {"id": "s1", "voice": {"name": "alloy"}}},
        {"type": "input_audio_buffer.speech_started", "audio_start_ms": 500},
    )
    assert h.state() is SessionState.USER_SPEAKING
    h.feed({"type": "input_audio_buffer.speech_stopped", "audio_end_ms": 2100})
    assert h.state() is SessionState.THINKING
    h.feed(
        {
            "type": "conversation.item.input_audio_transcription.completed",
            "item_id": "u1",
            "transcript": "hello there",
        },
        *response_start("r1", "a1"),
    )
    h.now += 0.35
    h.feed(audio("r1", "a1"))
    assert h.state() is SessionState.ASSISTANT_SPEAKING
    h.feed(
        {"type": "response.audio_transcript.delta", "response_id": "r1", "delta": "Hi "},
        {"type": "response.audio_transcript.delta", "response_id": "r1", "delta": "you"},
        {"type": "response.audio_transcript.done", "response_id": "r1", "transcript": "Hi you"},
        done("r1"),
    )
    assert h.state() is SessionState.READY
    assert h.updated == 1
    assert h.of(SessionConfigured) == [SessionConfigured("s1", "alloy")]
    assert h.of(UserTranscriptCompleted)[0].text == "hello there"
    assert h.of(AssistantTranscriptCompleted)[0].text == "Hi you"
    assert h.of(TurnLatencyMeasured)[0].latency_ms == pytest.approx(350.0)
    assert h.of(ResponseFinished) == [ResponseFinished("r1", "completed", 9, item_id="a1")]
    assert h.playback.queued["a1"] == len(PCM_100MS)
    assert [(t.role, t.text) for t in h.memory.turns] == [
        ("user", "hello there"),
        ("assistant", "Hi you"),
    ]


def test_speech_while_assistant_speaks_flushes_and_truncates_at_played_ms() -> None:
    h = Harness()
    h.feed(*response_start("r1", "a1"), audio("r1", "a1"), audio("r1", "a1"))
    h.playback.played = 130
    h.feed({"type": "input_audio_buffer.speech_started", "audio_start_ms": 0})
    assert h.playback.flushes == 1
    # Server VAD cancels the response itself (interrupt_response defaults to true): the
    # client truncates what was not heard and sends no cancel.
    assert h.barge_ins == [BargeIn(None, "a1", 130)]
    assert h.of(AssistantInterrupted) == [AssistantInterrupted("a1", 130)]
    assert h.state() is SessionState.USER_SPEAKING
    # Audio still in flight after the cut must not reach the speaker.
    before = len(h.of(AssistantAudioReceived))
    h.feed(audio("r1", "a1"), done("r1", "cancelled"))
    assert len(h.of(AssistantAudioReceived)) == before
    assert h.of(ResponseFinished)[-1].status == "cancelled"


def test_speech_cancels_from_the_client_when_the_server_vad_does_not_interrupt() -> None:
    h = Harness()
    h.server_vad_without_interrupt()
    h.feed(*response_start("r1", "a1"), audio("r1", "a1"))
    h.playback.played = 60
    h.feed({"type": "input_audio_buffer.speech_started"})
    assert h.barge_ins == [BargeIn("r1", "a1", 60)]


def test_the_no_active_response_race_is_absorbed_quietly() -> None:
    h = Harness()
    for code in ("response_cancel_not_active", None):
        h.feed(
            {
                "type": "error",
                "error": {
                    "type": "invalid_request_error",
                    "code": code,
                    "message": "Cancellation failed: no active response found",
                },
            }
        )
    assert h.of(SessionErrorReported) == []
    assert h.handler.stats.suppressed_errors == 2


def test_played_ms_never_exceeds_what_was_received() -> None:
    h = Harness()
    h.feed(*response_start("r1", "a1"), audio("r1", "a1"))
    h.playback.played = 5000  # a confused sink
    h.feed({"type": "input_audio_buffer.speech_started"})
    assert h.barge_ins[0].played_ms == 100


def test_speech_after_response_done_while_audio_still_plays_truncates_without_cancel() -> None:
    h = Harness()
    h.feed(*response_start("r1", "a1"), audio("r1", "a1"), done("r1"))
    h.playback.played = 40
    h.feed({"type": "input_audio_buffer.speech_started"})
    assert h.barge_ins == [BargeIn(None, "a1", 40)]


def test_speech_while_silent_is_no_barge_in() -> None:
    h = Harness()
    h.feed({"type": "input_audio_buffer.speech_started"})
    assert h.barge_ins == [] and h.playback.flushes == 0


def test_out_of_order_events_are_counted_and_harmless() -> None:
    h = Harness()
    h.feed(
        audio("ghost", "x"),
        {"type": "response.audio_transcript.delta", "response_id": "ghost", "delta": "boo"},
        done("ghost"),
        *response_start("r1", "a1"),
        done("r1"),
        done("r1"),  # twice
        {"type": "response.created", "response": {"id": "r1"}},  # re-created after done
    )
    assert h.handler.stats.out_of_order == 5
    assert len(h.of(ResponseFinished)) == 1
    assert h.state() is SessionState.READY


@pytest.mark.parametrize(
    "delta",
    ["!!!not base64!!!", "AAE", base64.b64encode(b"\x01\x02\x03").decode(), ""],
)
@pytest.mark.allow_log_warnings(r"audio_deltas: audio delta with invalid base64")
def test_bad_audio_never_reaches_playback_misaligned(delta: str) -> None:
    h = Harness()
    h.feed(*response_start("r1", "a1"), audio("r1", "a1", delta))
    assert all(size % 2 == 0 for size in h.playback.enqueued_sizes)
    assert h.handler.stats.invalid_audio >= (1 if delta else 0)
    assert h.handler.stats.internal_errors == 0


@pytest.mark.allow_log_warnings(r"audio_deltas: audio delta of \d+ base64 characters dropped")
def test_huge_audio_delta_is_dropped() -> None:
    h = Harness()
    huge = base64.b64encode(b"\x00" * 2_000_000).decode()
    h.feed(*response_start("r1", "a1"), audio("r1", "a1", huge))
    assert h.playback.queued == {}
    assert h.handler.stats.invalid_audio == 1


@pytest.mark.allow_log_warnings(r"server_errors: server error event")
def test_server_errors_are_reported_once_per_burst_and_stay_non_fatal() -> None:
    h = Harness()
    for _ in range(50):
        h.feed({"type": "error", "error": {"message": "Rate limit", "code": "rate_limited"}})
    reported = h.of(SessionErrorReported)
    assert reported == [
        SessionErrorReported(
            ErrorKind.SERVER_ERROR, "The Voice Live service reported an error: Rate limit", False
        )
    ]
    assert h.handler.stats.suppressed_errors == 49
    h.now += 10
    h.feed({"type": "error", "error": {"message": "Rate limit"}})
    assert len(h.of(SessionErrorReported)) == 2


def test_a_response_that_never_finishes_is_closed_by_the_next_one() -> None:
    h = Harness()
    h.feed(*response_start("r1", "a1"), audio("r1", "a1"))
    h.feed(*response_start("r2", "a2"), audio("r2", "a2"), done("r2"))
    assert [f.status for f in h.of(ResponseFinished)] == ["incomplete", "completed"]
    assert h.state() is SessionState.READY


def test_connection_lost_closes_open_responses_and_keeps_partial_text() -> None:
    h = Harness()
    h.feed(
        *response_start("r1", "a1"),
        {"type": "response.audio_transcript.delta", "response_id": "r1", "delta": "Half a"},
    )
    h.handler.connection_lost()
    assert h.of(ResponseFinished)[-1].status == "incomplete"
    assert h.memory.turns[-1].text == "Half a"


def test_cutting_in_on_a_text_reply_leaves_the_earlier_spoken_reply_alone() -> None:
    h = Harness()
    h.server_vad_without_interrupt()
    h.feed(*response_start("r1", "a1"), audio("r1", "a1"), done("r1"))
    h.playback.queued.clear()  # finished playing
    h.feed(
        *response_start("r2", "t2"),
        {"type": "response.text.delta", "response_id": "r2", "delta": "Typing..."},
        {"type": "input_audio_buffer.speech_started"},
    )
    assert h.barge_ins == [BargeIn("r2", "", 0)]
    assert h.of(AssistantInterrupted) == []


def test_known_type_the_sdk_could_not_type_is_counted() -> None:
    h = Harness()
    h.handler.handle(ServerEvent({"type": "response.done", "response": {"id": "x"}}))
    assert h.handler.stats.untyped == 1
    h.feed(done("y"))
    assert h.handler.stats.untyped == 1
