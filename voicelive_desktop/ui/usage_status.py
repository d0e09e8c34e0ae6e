"""The status bar's usage figure: this session's tokens and their estimated cost."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from voicelive_desktop.cost import CostEstimator, format_tokens
from voicelive_desktop.engine.events import (
    EngineEvent,
    ResponseUsageCounted,
    SessionState,
    SessionStateChanged,
)
from voicelive_desktop.engine.usage import TokenCounts, UsageTally


def usage_breakdown(tokens: TokenCounts) -> str:
    """Multi-line detail of a token count, for tooltips and the accessible description."""
    return (
        f"Input: {tokens.text_in:,} text, {tokens.audio_in:,} audio, "
        f"{tokens.cached_text_in + tokens.cached_audio_in:,} cached "
        f"({tokens.cached_text_in:,} text, {tokens.cached_audio_in:,} audio)\n"
        f"Output: {tokens.text_out:,} text, {tokens.audio_out:,} audio"
    )


class UsageStatus(QLabel):
    """Owns the session's usage tally; shows tokens in and out and an estimated cost.

    It starts over when a new session connects (a reconnect keeps counting: it is the same
    conversation). The last turn's figures are in the tooltip.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tally = UsageTally()
        self.last_turn: TokenCounts | None = None
        self._estimator: CostEstimator | None = None
        self.setAccessibleName("Session usage and estimated cost")
        self._show()

    def set_estimator(self, estimator: CostEstimator | None) -> None:
        """Price with `estimator` from now on (None: tokens only)."""
        self._estimator = estimator
        self._show()

    def show_event(self, event: EngineEvent) -> None:
        if isinstance(event, ResponseUsageCounted):
            self.tally.add(event.tokens)
            self.last_turn = event.tokens
            self._show()
        elif (
            isinstance(event, SessionStateChanged)
            and event.state is SessionState.CONNECTING
            and event.previous is SessionState.DISCONNECTED
        ):
            self.tally.reset()
            self.last_turn = None
            self._show()

    def summary(self) -> str:
        """The text shown: empty until the first response was counted."""
        if not self.tally.responses:
            return ""
        text = f"Tokens: {format_tokens(self.tally.total)}"
        if self._estimator is not None:
            text += f" · {self._estimator.estimate(self.tally.total).label()}"
        return text

    def _show(self) -> None:
        self.setText(self.summary())
        if not self.tally.responses:
            self.setToolTip("")
            self.setAccessibleDescription("No usage counted yet in this session")
            return
        detail = [
            f"This session ({self.tally.responses} responses):",
            usage_breakdown(self.tally.total),
        ]
        if self.last_turn is not None:
            detail += ["", "Last turn:", usage_breakdown(self.last_turn)]
            if self._estimator is not None:
                detail.append(self._estimator.estimate(self.last_turn).label())
        if self._estimator is not None:
            detail += ["", f"Cost is an estimate: {self._estimator.basis}."]
        tooltip = "\n".join(detail)
        self.setToolTip(tooltip)
        self.setAccessibleDescription(tooltip)
