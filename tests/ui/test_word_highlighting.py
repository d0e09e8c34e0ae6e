"""Assistant words light up as they are heard (played ms), not as text arrives; after a
barge-in the words never heard are greyed and struck through."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QPalette, QTextCursor
from pytestqt.qtbot import QtBot

from tests.fixtures.virtual_audio import VirtualAudio
from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.events import (
    AssistantInterrupted,
    AssistantTranscriptCompleted,
    AssistantTranscriptDelta,
    AssistantWordTimed,
    ResponseFinished,
)
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.sessions import voice_session_factory
from voicelive_desktop.ui.transcript_view import TranscriptView
from voicelive_desktop.ui.word_highlighter import STILL_WAIT_MS, WordHighlighter
from voicelive_desktop.ui.word_timeline import TimedWord, heard_until, word_spans

TEXT = "Hello there, VoiceLive speaks."
WORDS = [
    TimedWord("Hello", 0, 400),
    TimedWord("there", 400, 500),
    TimedWord("Voice", 900, 300),
    TimedWord("Live", 1200, 300),
    TimedWord("speaks", 1500, 600),
]


def test_timed_words_are_found_in_the_transcript_text_in_order() -> None:
    spans = word_spans(TEXT, [*WORDS[:2], TimedWord("missing", 0, 0), *WORDS[2:]])
    assert spans[0] == (0, 5) and spans[2] is None and spans[-1] == (23, 29)
    assert heard_until(TEXT, WORDS, 0) == len("Hello")
    assert heard_until(TEXT, WORDS, 950) == len("Hello there, Voice")
    assert heard_until(TEXT, WORDS, 2100) == len(TEXT)  # the full stop comes with its word
    assert heard_until(TEXT + " More", WORDS, 5000) == len(TEXT)  # "More" is not timed yet


class FakeSpeaker:
    """The speaker's played-ms count, set by the test."""

    def __init__(self) -> None:
        self.played: dict[str, int] = {}

    def played_ms(self, item_id: str) -> int | None:
        return self.played.get(item_id, 0)


def style_at(view: TranscriptView, turn_index: int, char: int) -> tuple[str, bool]:
    turn = view.turns[turn_index]
    cursor = QTextCursor(view.document())
    cursor.setPosition(turn.body_at + char + 1)  # the format of the character before
    form = cursor.charFormat()
    return form.foreground().color().name(), form.fontStrikeOut()


def feed(view: TranscriptView, highlighter: WordHighlighter, *events: object) -> None:
    for event in events:
        view.show_event(event)  # type: ignore[arg-type]
        highlighter.show_event(event)  # type: ignore[arg-type]


def test_words_light_up_with_the_played_milliseconds_not_the_text(qtbot: QtBot) -> None:
    view = TranscriptView()
    qtbot.addWidget(view)
    speaker = FakeSpeaker()
    highlighter = WordHighlighter(view, speaker.played_ms, view)
    text_colour = view.palette().color(QPalette.ColorRole.Text).name()
    dim = view.palette().color(QPalette.ColorRole.PlaceholderText).name()
    feed(view, highlighter, AssistantTranscriptDelta("r1", "i1", TEXT))
    assert view.heard_text("i1") is None  # no timestamps yet: plain text as it came
    feed(
        view,
        highlighter,
        *(AssistantWordTimed("r1", "i1", w.text, w.offset_ms, w.duration_ms) for w in WORDS),
    )
    assert highlighter.running
    # All the text has arrived, but only the first word has started playing.
    assert view.heard_text("i1") == "Hello"
    assert style_at(view, 0, 1) == (text_colour, False)
    assert style_at(view, 0, 8) == (dim, False)
    speaker.played["i1"] = 1000
    highlighter.tick()
    assert view.heard_text("i1") == "Hello there, Voice"
    assert style_at(view, 0, 8)[0] == text_colour and style_at(view, 0, 25)[0] == dim
    feed(view, highlighter, ResponseFinished("r1", "completed"))
    speaker.played["i1"] = 2100
    highlighter.tick()
    assert view.heard_text("i1") == TEXT
    assert style_at(view, 0, len(TEXT) - 2)[0] == text_colour
    assert not highlighter.running  # heard to the end: the timer stops


def test_after_a_barge_in_the_unheard_words_are_struck_through(qtbot: QtBot) -> None:
    view = TranscriptView()
    qtbot.addWidget(view)
    speaker = FakeSpeaker()
    highlighter = WordHighlighter(view, speaker.played_ms, view)
    feed(
        view,
        highlighter,
        AssistantTranscriptDelta("r1", "i1", TEXT),
        *(AssistantWordTimed("r1", "i1", w.text, w.offset_ms, w.duration_ms) for w in WORDS),
    )
    speaker.played["i1"] = 500
    highlighter.tick()
    feed(view, highlighter, AssistantInterrupted("i1", 500))
    assert not highlighter.running
    assert view.heard_text("i1") == "Hello there,"
    assert style_at(view, 0, 2)[1] is False
    assert style_at(view, 0, 20)[1] is True  # "VoiceLive speaks." was never heard
    speaker.played["i1"] = 2100
    highlighter.tick()  # a stopped highlighter changes nothing any more
    assert view.heard_text("i1") == "Hello there,"


def test_a_text_only_session_shows_the_words_plainly(qtbot: QtBot) -> None:
    view = TranscriptView()
    qtbot.addWidget(view)
    highlighter = WordHighlighter(view, lambda item_id: None, view)
    feed(
        view,
        highlighter,
        AssistantTranscriptDelta("r1", "i1", TEXT),
        *(AssistantWordTimed("r1", "i1", w.text, w.offset_ms, w.duration_ms) for w in WORDS),
    )
    assert not highlighter.running and view.heard_text("i1") is None


@pytest.mark.audio
@pytest.mark.asyncio
async def test_on_the_speaker_words_follow_the_audio_played(
    qtbot: QtBot, isolated_env: Path, virtual_audio: VirtualAudio, simulator: VoiceLiveSimulator
) -> None:
    app = AppUnderTest(qtbot, isolated_env, voice_session_factory())
    await app.connect_to(simulator)
    transcript = app.window.transcript
    app.controller.adapter.send_text("Please say something long")
    await wait_until(lambda: app.count(AssistantWordTimed) >= 3, 20, "word timestamps")
    item_id = next(e.item_id for e in app.events if isinstance(e, AssistantWordTimed))
    seen: list[str] = []

    def heard_more() -> bool:
        heard = transcript.heard_text(item_id) or ""
        if not seen or heard != seen[-1]:
            seen.append(heard)
        return (
            app.count(ResponseFinished) == 1
            and not app.controller.instruments.word_highlighter.running
        )

    await wait_until(heard_more, 30, "the reply to be heard to the end")
    full = next(e.text for e in app.events if isinstance(e, AssistantTranscriptCompleted))
    # The whole text was there long before the last words were heard: the heard part grew
    # in many steps, each a prefix of the next, ending with everything.
    assert len(seen) >= 5
    assert all(full.startswith(step) for step in seen)
    assert [len(s) for s in seen] == sorted(len(s) for s in seen)
    assert seen[-1] == full
    await app.controller.shutdown()


def test_a_word_whose_timestamp_comes_late_lights_up_at_once(qtbot: QtBot) -> None:
    view = TranscriptView()
    qtbot.addWidget(view)
    speaker = FakeSpeaker()
    highlighter = WordHighlighter(view, speaker.played_ms, view)
    speaker.played["i1"] = 1000
    first, second, *_ = WORDS
    feed(
        view,
        highlighter,
        AssistantTranscriptDelta("r1", "i1", TEXT),
        AssistantWordTimed("r1", "i1", first.text, first.offset_ms, first.duration_ms),
    )
    assert view.heard_text("i1") == "Hello"
    # "there" started at 400 ms, already played; its timestamp only comes now.
    feed(view, highlighter, AssistantWordTimed("r1", "i1", second.text, 400, 500))
    highlighter.tick()
    assert view.heard_text("i1") == "Hello there,"
    text_colour = view.palette().color(QPalette.ColorRole.Text)
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.turns[0].body_at + 9)
    assert cursor.charFormat().foreground().color() == text_colour  # shown, not only counted


def test_the_highlighter_looks_when_the_next_word_is_due_not_on_a_fixed_tick(
    qtbot: QtBot,
) -> None:
    # WORDS start at 0, 400, 900 and 1500 ms: four looks light them all, where a 25 Hz poll
    # would look 50 times over the same two seconds.
    view = TranscriptView()
    qtbot.addWidget(view)
    speaker = FakeSpeaker()
    highlighter = WordHighlighter(view, speaker.played_ms, view)
    speaker.played["i1"] = 0
    feed(
        view,
        highlighter,
        AssistantTranscriptDelta("r1", "i1", TEXT),
        *(AssistantWordTimed("r1", "i1", w.text, w.offset_ms, w.duration_ms) for w in WORDS),
    )
    speaker.played["i1"] = 10  # the audio plays: "there" is due 390 ms from now
    highlighter.tick()
    assert highlighter.next_look_ms == 390
    speaker.played["i1"] = 420
    highlighter.tick()
    assert view.heard_text("i1") == "Hello there,"
    assert highlighter.next_look_ms == 480  # "VoiceLive" at 900
    qtbot.wait(60)
    highlighter.tick()  # the played time stood still (nothing came to play): look slowly
    assert highlighter.next_look_ms == STILL_WAIT_MS
    speaker.played["i1"] = 1600
    highlighter.tick()
    assert highlighter.next_look_ms is None  # all timed words heard: the next timestamp looks
    speaker.played["i1"] = 1610
    feed(view, highlighter, ResponseFinished("r1", "completed"))
    assert highlighter.next_look_ms == WORDS[-1].offset_ms + WORDS[-1].duration_ms - 1610
