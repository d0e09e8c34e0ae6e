"""Reconnect delays: capped exponential backoff with jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class ReconnectBackoff:
    """Hands out the delay before each reconnect attempt; `reset()` after a success.

    The first attempt comes quickly (a dropped socket usually reconnects at once); jitter
    keeps many clients from hammering the service in step after an outage.
    """

    first_delay_s: float = 0.2
    max_delay_s: float = 20.0
    factor: float = 2.0
    jitter: float = 0.25  # +- fraction of the delay
    attempt: int = 0
    _random: random.Random = field(default_factory=random.Random, repr=False)

    def next_delay(self) -> float:
        """Count one more attempt and return how long to wait before it, in seconds."""
        self.attempt += 1
        base = min(self.max_delay_s, self.first_delay_s * self.factor ** (self.attempt - 1))
        spread = base * self.jitter
        return max(0.0, min(self.max_delay_s, base + self._random.uniform(-spread, spread)))

    def reset(self) -> None:
        self.attempt = 0
