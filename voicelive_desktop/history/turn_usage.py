"""What an assistant turn cost: the tokens its response was billed for, kept with the turn."""

from __future__ import annotations

import json
from dataclasses import dataclass

from voicelive_desktop.engine.usage import TokenCounts


@dataclass(frozen=True)
class TurnUsage:
    """What an assistant turn's response was billed for, and its estimated cost then."""

    tokens: TokenCounts
    estimated_cost: float | None = None
    currency: str = ""

    def to_json(self) -> str:
        return json.dumps(
            {
                "tokens": self.tokens.as_dict(),
                "estimated_cost": self.estimated_cost,
                "currency": self.currency,
            }
        )

    @classmethod
    def from_json(cls, text: str | None) -> TurnUsage | None:
        if not text:
            return None
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("tokens"), dict):
            return None
        cost = data.get("estimated_cost")
        currency = data.get("currency")
        return cls(
            TokenCounts.from_dict(data["tokens"]),
            float(cost) if isinstance(cost, int | float) else None,
            currency if isinstance(currency, str) else "",
        )
