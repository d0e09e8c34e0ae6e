"""Puts the conversation's tool calls into the transcript: a card per call, a consent prompt
under the card while the call waits for the user's answer."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from voicelive_desktop.engine.events import (
    EngineEvent,
    ToolApprovalDecision,
    ToolApprovalRequested,
    ToolCallFinished,
    ToolCallStarted,
)
from voicelive_desktop.ui.consent_prompt import ConsentPrompt
from voicelive_desktop.ui.tool_card import ToolCallCard
from voicelive_desktop.ui.transcript_view import TranscriptView


def card_key(call_id: str) -> str:
    return f"tool-call:{call_id}"


def prompt_key(call_id: str) -> str:
    return f"tool-consent:{call_id}"


class ToolCallsView(QObject):
    """Owns the cards and consent prompts of one transcript, keyed by call id.

    `approval_answered` carries the user's answer for the engine; `consent_needed` asks the
    window for the user's attention (the prompt is already in the transcript);
    `awaiting_user_changed` says whether any prompt still waits for an answer.
    """

    approval_answered = Signal(str, object)  # call_id, ToolApprovalDecision
    consent_needed = Signal(str, str)  # call_id, tool name
    awaiting_user_changed = Signal(bool)

    def __init__(self, transcript: TranscriptView) -> None:
        super().__init__(transcript)
        self.transcript = transcript
        self.cards: dict[str, ToolCallCard] = {}
        self.prompts: dict[str, ConsentPrompt] = {}
        # Calls whose card the user cleared away: their late events must not bring it back.
        self._cleared: set[str] = set()
        self._awaiting_user = False

    def show_event(self, event: EngineEvent) -> None:
        """Update the cards and prompts for one engine event (others are ignored)."""
        if not isinstance(event, (ToolCallStarted, ToolApprovalRequested, ToolCallFinished)):
            return
        if event.call_id in self._cleared:
            return
        if isinstance(event, ToolCallStarted):
            self._card(event.call_id, event.name, event.arguments, event.source)
        elif isinstance(event, ToolApprovalRequested):
            self._ask(event)
        elif isinstance(event, ToolCallFinished):
            card = self._card(event.call_id, event.name, "")
            card.finish(
                event.status, event.duration_ms, event.result, event.error, event.result_preview
            )
            self.transcript.embeds.set_plain_text(card_key(event.call_id), card.plain_text())
            if self.prompts.pop(event.call_id, None) is not None:
                self.transcript.remove_widget(prompt_key(event.call_id))
        self._note_awaiting()

    def pending_prompts(self) -> list[ConsentPrompt]:
        """Prompts still waiting for an answer, oldest first."""
        return [p for p in self.prompts.values() if p.decision is None]

    # ---- internals ------------------------------------------------------------------------

    def _card(
        self, call_id: str, name: str, arguments: str, source: str = "function"
    ) -> ToolCallCard:
        card = self.cards.get(call_id)
        if card is None:
            card = ToolCallCard(call_id, name, arguments, source)
            self.cards[call_id] = card
            card.destroyed.connect(lambda _=None, c=call_id: self._card_gone(c))
            self.transcript.add_widget(card_key(call_id), card, card.plain_text())
        return card

    def _card_gone(self, call_id: str) -> None:
        if self.cards.pop(call_id, None) is not None:
            self._cleared.add(call_id)

    def _ask(self, event: ToolApprovalRequested) -> None:
        card = self._card(event.call_id, event.name, event.arguments)
        card.set_awaiting_consent(True)
        if event.call_id in self.prompts:
            return
        prompt = ConsentPrompt(
            event.call_id, event.name, event.arguments, event.risk, event.timeout_s
        )
        prompt.answered.connect(self._answered)
        prompt.destroyed.connect(lambda _=None, c=event.call_id: self._prompt_gone(c))
        self.prompts[event.call_id] = prompt
        self.transcript.add_widget(
            prompt_key(event.call_id), prompt, f"[waiting for consent] {event.name}"
        )
        # An answer is needed now: bring the prompt into view and take the keyboard for it
        # (its arming delay keeps an Enter meant for the message box from allowing it).
        QTimer.singleShot(0, lambda: self._present(prompt))
        self.consent_needed.emit(event.call_id, event.name)

    def _present(self, prompt: ConsentPrompt) -> None:
        if prompt.decision is not None or prompt.call_id not in self.prompts:
            return
        self.transcript.embeds.reposition()
        if self.pending_prompts()[0] is not prompt:
            return  # an older prompt keeps the keyboard; this one waits its turn in view
        bar = self.transcript.verticalScrollBar()
        below = prompt.geometry().bottom() - self.transcript.viewport().height() + 8
        if below > 0:
            bar.setValue(bar.value() + below)
            self.transcript.embeds.reposition()
        prompt.setFocus()

    def _answered(self, call_id: str, decision: ToolApprovalDecision) -> None:
        card = self.cards.get(call_id)
        if card is not None:
            card.set_awaiting_consent(False)
        self.approval_answered.emit(call_id, decision)
        waiting = self.pending_prompts()
        if waiting:  # parallel calls: the keyboard moves on to the next question
            waiting[0].setFocus()
        self._note_awaiting()

    def _prompt_gone(self, call_id: str) -> None:
        prompt = self.prompts.pop(call_id, None)
        # A prompt cleared away unanswered (Clear conversation) is a no: the call must not
        # wait out its timeout unseen.
        if prompt is not None and prompt.decision is None:
            self.approval_answered.emit(call_id, ToolApprovalDecision.DENY)
        self._note_awaiting()

    def _note_awaiting(self) -> None:
        awaiting = bool(self.pending_prompts())
        if awaiting != self._awaiting_user:
            self._awaiting_user = awaiting
            self.awaiting_user_changed.emit(awaiting)
