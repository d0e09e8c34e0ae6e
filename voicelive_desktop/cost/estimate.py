"""Turns token counts into an estimated cost with a price table, and says so in words."""

from __future__ import annotations

from dataclasses import dataclass

from voicelive_desktop.cost.price_table import PriceTable, tier_for_model
from voicelive_desktop.engine.usage import TokenCounts
from voicelive_desktop.engine.voices import OPENAI_VOICE_NAMES

_PER = 1_000_000


@dataclass(frozen=True)
class CostEstimate:
    """An estimated cost: never a bill. `basis` says which tier and audio rates were used."""

    amount: float
    currency: str
    basis: str

    def label(self) -> str:
        """Short text for the status bar and history: always marked as an estimate."""
        return f"≈ {format_amount(self.amount, self.currency)} (estimate)"


def format_amount(amount: float, currency: str) -> str:
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency.upper())
    digits = 4 if amount < 0.01 else 3 if amount < 1 else 2
    figure = f"{amount:,.{digits}f}"
    return f"{symbol}{figure}" if symbol else f"{figure} {currency}"


def format_tokens(tokens: TokenCounts) -> str:
    return f"{tokens.input_total:,} in · {tokens.output_total:,} out"


class CostEstimator:
    """Prices one session's token counts: the model picks the tier; whether audio is the
    model's own ("native") or Azure speech depends on the model family and the voice."""

    def __init__(self, table: PriceTable, model: str, voice: str) -> None:
        self.table = table
        self.model, self.voice = model, voice
        self.tier = tier_for_model(model)
        # The gpt-realtime family (and phi4-mm-realtime, azure-realtime) hears audio itself;
        # other models get Azure speech to text. Output is native only with the model's own
        # (OpenAI) voices; an Azure voice speaks through Azure text to speech.
        realtime = "realtime" in model.lower()
        self.native_input = realtime
        self.native_output = realtime and voice.strip().lower() in OPENAI_VOICE_NAMES

    def with_table(self, table: PriceTable) -> CostEstimator:
        """The same session priced with another table (the user edited the prices)."""
        return CostEstimator(table, self.model, self.voice)

    @property
    def basis(self) -> str:
        heard = "native" if self.native_input else "Azure speech"
        spoken = "native" if self.native_output else "Azure speech"
        return (
            f"Voice Live {self.tier.title()} rates ({heard} audio in, {spoken} audio out); "
            f"prices as of {self.table.as_of or 'an unknown date'} from {self.table.source}"
        )

    def estimate(self, tokens: TokenCounts) -> CostEstimate:
        r = self.table.rates(self.tier)
        audio_in, audio_cached = (
            (r.native_audio_in, r.native_audio_cached_in)
            if self.native_input
            else (r.speech_audio_in, r.speech_audio_cached_in)
        )
        audio_out = r.native_audio_out if self.native_output else r.speech_audio_out
        amount = (
            tokens.text_in * r.text_in
            + tokens.cached_text_in * r.text_cached_in
            + tokens.text_out * r.text_out
            + tokens.audio_in * audio_in
            + tokens.cached_audio_in * audio_cached
            + tokens.audio_out * audio_out
        ) / _PER
        return CostEstimate(amount, self.table.currency, self.basis)
