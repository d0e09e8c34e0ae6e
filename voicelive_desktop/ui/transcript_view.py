"""The live conversation transcript: user and assistant turns, streamed, timestamped."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QMimeData
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QFrame, QTextEdit, QWidget

from voicelive_desktop.engine.events import (
    AssistantInterrupted,
    AssistantTranscriptCompleted,
    AssistantTranscriptDelta,
    AssistantWordTimed,
    EngineEvent,
    ResponseFinished,
    UserSpeechStarted,
    UserTextSent,
    UserTranscriptCompleted,
    UserTranscriptDelta,
    UserTranscriptFailed,
    UserTurnCommitted,
)
from voicelive_desktop.ui.transcript_embeds import EmbeddedWidgets
from voicelive_desktop.ui.transcript_formats import TranscriptFormats
from voicelive_desktop.ui.word_timeline import TimedWord, heard_until

INTERRUPTED_MARK = "✂ interrupted"
CUT_SHORT_MARK = "✂ cut short"
FAILED_MARK = "⚠ the response failed"
NOT_TRANSCRIBED = "(this turn could not be transcribed)"
_PENDING_SPEECH = "…"
# Why a response was cut short (`status_details.reason`), as a person would say it.
_CUT_SHORT_REASONS = {
    "max_output_tokens": "the answer reached its length limit",
    "content_filter": "the content filter stopped it",
}
_FOLLOW_SLACK_PX = 4  # "at the bottom" tolerance, so a half-line scroll does not stop following


class Role(str, enum.Enum):
    """Who said a turn; TOOL is a widget in the conversation (a tool call's card or prompt)."""

    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


@dataclass
class Turn:
    """One line of the conversation as shown (mutable while it streams)."""

    role: Role
    item_id: str  # "" while a spoken user turn does not know its item yet; a TOOL's widget key
    text: str = ""
    at: datetime = field(default_factory=datetime.now)
    interrupted: bool = False
    words: list[TimedWord] = field(default_factory=list)  # word timestamps, when sent
    heard_ms: int | None = None  # audio played so far; None: not followed (text as it came)
    body_at: int = -1  # where the text starts in the document, while it is laid out
    heard_shown: int = -1  # characters shown as heard, as last laid out
    pending: bool = False  # a spoken turn whose transcript has not completed
    note: str = ""  # why it is incomplete: a failure, a cut-short answer


class TranscriptView(QTextEdit):
    """Renders turns from engine events; selectable and copyable; follows new text only
    while the user has not scrolled up to read earlier turns."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().setAutoFillBackground(False)  # the rounded frame behind shows through
        self.setPlaceholderText("Connect and start talking, or type a message below.")
        self.setAccessibleName("Conversation transcript")
        self.setAccessibleDescription("What you and the assistant said, newest at the bottom")
        self.document().setDocumentMargin(14)
        self.turns: list[Turn] = []
        self.embeds = EmbeddedWidgets(self)
        self._show_timestamps = True
        self._shows = self._event_shows()
        self._formats = TranscriptFormats(self.palette(), self.font())

    # ---- feeding --------------------------------------------------------------------------

    def show_event(self, event: EngineEvent) -> None:
        """Update the transcript for one engine event (others are ignored)."""
        show = self._shows.get(type(event))
        if show is not None:
            show(event)

    def _event_shows(self) -> dict[type, Callable[[Any], None]]:
        return {
            UserTextSent: lambda e: self._append(Turn(Role.USER, e.item_id, e.text)),
            UserSpeechStarted: self._speech_started,
            UserTurnCommitted: self._turn_committed,
            UserTranscriptDelta: self._user_delta,
            UserTranscriptCompleted: lambda e: self._user_transcript(e.item_id, e.text),
            UserTranscriptFailed: self._user_transcript_failed,
            AssistantTranscriptDelta: lambda e: self._assistant_delta(e.item_id, e.delta),
            AssistantTranscriptCompleted: self._assistant_completed,
            AssistantWordTimed: self._assistant_word_timed,
            AssistantInterrupted: self._assistant_interrupted,
            ResponseFinished: self._response_finished,
        }

    def show_heard(self, item_id: str, played_ms: int) -> None:
        """Light up the words of `item_id` heard after `played_ms` of its audio played."""
        turn = next(
            (t for t in reversed(self.turns) if t.role is Role.ASSISTANT and t.item_id == item_id),
            None,
        )
        if turn is None or not turn.words or turn.interrupted:
            return
        turn.heard_ms = played_ms
        # Against what is shown, not the last played time: a word's timestamp may come after
        # its start was played, and then it lights up without the played time moving.
        if heard_until(turn.text, turn.words, played_ms) != turn.heard_shown:
            self._restyle(turn)

    def heard_text(self, item_id: str) -> str | None:
        """The part of `item_id`'s text shown as heard (None: not followed by playback)."""
        for turn in reversed(self.turns):
            if turn.item_id == item_id and turn.heard_ms is not None:
                return turn.text[: heard_until(turn.text, turn.words, turn.heard_ms)]
        return None

    def add_widget(self, key: str, widget: QWidget, plain_text: str = "") -> None:
        """Show `widget` as the next entry of the conversation (a tool card, a prompt)."""
        self.embeds.add(key, widget, plain_text)
        self._append(Turn(Role.TOOL, key))

    def remove_widget(self, key: str) -> None:
        if not any(t.role is Role.TOOL and t.item_id == key for t in self.turns):
            return
        self.turns = [t for t in self.turns if not (t.role is Role.TOOL and t.item_id == key)]
        self.embeds.remove(key)
        self._render_all()

    def clear_conversation(self) -> None:
        self.turns.clear()
        self.embeds.clear()
        self.clear()

    def set_show_timestamps(self, show: bool) -> None:
        self._show_timestamps = show
        self._render_all()

    def conversation_text(self) -> str:
        """The whole conversation as plain text, as the user would copy it."""
        return self.embeds.plain_text(self.toPlainText())

    def createMimeDataFromSelection(self) -> QMimeData:
        # A copied tool card reads as its one-line text, not as an object character.
        data = super().createMimeDataFromSelection()
        cursor = self.textCursor()
        if data.hasText():
            data.setText(self.embeds.plain_text(data.text(), cursor.selectionStart()))
        return data

    def is_following(self) -> bool:
        """True while new text scrolls into view (the user has not scrolled up)."""
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - _FOLLOW_SLACK_PX

    # ---- model ----------------------------------------------------------------------------

    def _pending_user_turn(self) -> Turn | None:
        """The oldest spoken turn that does not know its item yet."""
        return next(
            (t for t in self.turns if t.role is Role.USER and t.pending and not t.item_id), None
        )

    def _user_turn(self, item_id: str) -> Turn | None:
        """The user turn of `item_id`, else the oldest spoken turn not yet tied to an item
        (which then becomes that item's)."""
        if item_id:
            for turn in self.turns:
                if turn.role is Role.USER and turn.item_id == item_id:
                    return turn
        pending = self._pending_user_turn()
        if pending is not None:
            pending.item_id = item_id
        return pending

    def _speech_started(self, event: UserSpeechStarted) -> None:
        if self._user_turn(event.item_id) is None:
            self._append(Turn(Role.USER, event.item_id, _PENDING_SPEECH, pending=True))

    def _turn_committed(self, event: UserTurnCommitted) -> None:
        """A spoken turn has its place in the conversation now: before the answer to it,
        however late its transcript comes (push-to-talk has no speech_started)."""
        if self._user_turn(event.item_id) is not None:
            return
        turn = Turn(Role.USER, event.item_id, _PENDING_SPEECH, pending=True)
        after = next(
            (i for i, t in enumerate(self.turns) if t.item_id == event.previous_item_id), None
        )
        if after is None or not event.previous_item_id:
            self._append(turn)
        else:
            self.turns.insert(after + 1, turn)
            self._render_all()

    def _user_delta(self, event: UserTranscriptDelta) -> None:
        turn = self._user_turn(event.item_id)
        if turn is None:
            turn = Turn(Role.USER, event.item_id, "", pending=True)
            self._append(turn)
        turn.text = (turn.text if turn.text != _PENDING_SPEECH else "") + event.delta
        self._render_all()

    def _user_transcript(self, item_id: str, text: str) -> None:
        text = text.strip()
        turn = self._user_turn(item_id)
        if turn is None:
            self._append(Turn(Role.USER, item_id, text))
            return
        turn.text = text or "(no words recognised)"
        turn.pending = False
        self._render_all()

    def _user_transcript_failed(self, event: UserTranscriptFailed) -> None:
        turn = self._user_turn(event.item_id)
        if turn is None:
            turn = Turn(Role.USER, event.item_id)
            self.turns.append(turn)
        turn.text, turn.pending = NOT_TRANSCRIBED, False
        turn.note = f"⚠ {event.message}"
        self._render_all()

    def _assistant_completed(self, event: AssistantTranscriptCompleted) -> None:
        turn = self._assistant_turn(event.item_id)
        if turn.text != event.text and not turn.interrupted:
            turn.text = event.text
            self._render_all()

    def _assistant_word_timed(self, event: AssistantWordTimed) -> None:
        word = TimedWord(event.text, event.audio_offset_ms, event.audio_duration_ms)
        self._assistant_turn(event.item_id).words.append(word)

    def _assistant_interrupted(self, event: AssistantInterrupted) -> None:
        turn = self._assistant_turn(event.item_id)
        turn.interrupted = True
        if turn.words:
            turn.heard_ms = event.played_ms  # what follows was never heard
        self._render_all()

    def _response_finished(self, event: ResponseFinished) -> None:
        """A failed or cut-short answer says so at its turn; a cancelled one is a barge-in."""
        if event.status == "failed":
            note = f"{FAILED_MARK}: {event.detail}" if event.detail else FAILED_MARK
        elif event.status == "incomplete" and event.detail:
            reason = _CUT_SHORT_REASONS.get(event.detail, event.detail)
            note = f"{CUT_SHORT_MARK}: {reason}"
        else:
            return  # completed, cancelled, or a dropped connection (announced elsewhere)
        self._assistant_turn(event.item_id).note = note
        self._render_all()

    def _assistant_turn(self, item_id: str) -> Turn:
        for turn in reversed(self.turns):
            if turn.role is Role.ASSISTANT and turn.item_id == item_id:
                return turn
        turn = Turn(Role.ASSISTANT, item_id)
        self._append(turn)
        return turn

    def _assistant_delta(self, item_id: str, delta: str) -> None:
        turn = self._assistant_turn(item_id)
        turn.text += delta
        if turn is self.turns[-1] and not turn.interrupted:
            # The common case while streaming: append at the end, no re-layout of the rest.
            follow = self.is_following()
            cursor = QTextCursor(self.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(
                delta, self._formats.body if turn.heard_ms is None else self._formats.not_yet_heard
            )
            self._scroll(follow)
        else:
            self._render_all()

    def _append(self, turn: Turn) -> None:
        follow = self.is_following()
        self.turns.append(turn)
        self._insert_turn(QTextCursor(self.document()), turn, first=len(self.turns) == 1)
        self._scroll(follow)

    # ---- rendering ------------------------------------------------------------------------

    def _render_all(self) -> None:
        follow = self.is_following()
        bar = self.verticalScrollBar()
        position = bar.value()
        self.document().clear()
        cursor = QTextCursor(self.document())
        for index, turn in enumerate(self.turns):
            self._insert_turn(cursor, turn, first=index == 0)
        if follow:
            self._scroll(True)
        else:
            bar.setValue(position)

    def _insert_turn(self, cursor: QTextCursor, turn: Turn, *, first: bool) -> None:
        formats = self._formats
        cursor.movePosition(QTextCursor.MoveOperation.End)
        if turn.role is Role.TOOL:
            if first:
                cursor.setBlockFormat(formats.widget_block)
            else:
                cursor.insertBlock(formats.widget_block)
            self.embeds.insert(cursor, turn.item_id)
            return
        if first:
            cursor.setBlockFormat(formats.header_block)
        else:
            # A fresh char format: the one before may be a widget's placeholder.
            cursor.insertBlock(formats.header_block, QTextCharFormat())
        user = turn.role is Role.USER
        cursor.insertText(
            "You" if user else "Assistant",
            formats.user_name if user else formats.bot_name,
        )
        if self._show_timestamps:
            cursor.insertText("   " + turn.at.strftime("%H:%M:%S"), formats.time)
        cursor.insertBlock(formats.body_block)
        turn.body_at = cursor.position()
        if turn.heard_ms is not None and turn.words:
            heard = turn.heard_shown = heard_until(turn.text, turn.words, turn.heard_ms)
            cursor.insertText(turn.text[:heard], formats.body)
            rest = formats.never_heard if turn.interrupted else formats.not_yet_heard
            cursor.insertText(turn.text[heard:], rest)
        else:
            body = formats.pending if user and turn.pending else formats.body
            cursor.insertText(turn.text, body)
        if turn.interrupted:
            cursor.insertText("  " + INTERRUPTED_MARK, formats.mark)
        if turn.note:
            cursor.insertText("  " + turn.note, formats.mark)

    def _restyle(self, turn: Turn) -> None:
        """Re-colour one turn's text for a new heard position, in place when it is the last
        turn (the usual case: no re-layout of the conversation per word)."""
        if turn is not self.turns[-1] or turn.body_at < 0 or turn.heard_ms is None:
            self._render_all()
            return
        turn.heard_shown = heard_until(turn.text, turn.words, turn.heard_ms)
        heard = turn.body_at + turn.heard_shown
        end = turn.body_at + len(turn.text)
        cursor = QTextCursor(self.document())
        for start, stop, style in (
            (turn.body_at, heard, self._formats.body),
            (heard, end, self._formats.not_yet_heard),
        ):
            if stop > start:
                cursor.setPosition(start)
                cursor.setPosition(stop, QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(style)

    def _scroll(self, follow: bool) -> None:
        if follow:
            bar = self.verticalScrollBar()
            bar.setValue(bar.maximum())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # Qt can send a palette change while __init__ is still running (before `turns`).
        # A font change is the system's text size changing: the time stamps scale with it.
        restyle = (QEvent.Type.PaletteChange, QEvent.Type.FontChange)
        if event.type() in restyle and hasattr(self, "turns"):
            self._formats = TranscriptFormats(self.palette(), self.font())
            self._render_all()
