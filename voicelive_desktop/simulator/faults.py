"""Fault mode: how the simulator misbehaves on purpose, changeable at run time by tests."""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass, field

from voicelive_desktop.simulator.service_modes import ServiceModes


class Hostile(enum.Enum):
    """Kinds of surprising server traffic a robust client must survive."""

    UNKNOWN_TYPE = "unknown_type"
    MISSING_FIELDS = "missing_fields"
    WRONG_TYPES = "wrong_types"
    DELTA_FOR_UNKNOWN_RESPONSE = "delta_for_unknown_response"
    DONE_TWICE = "done_twice"
    HUGE_AUDIO_DELTA = "huge_audio_delta"
    ODD_LENGTH_AUDIO = "odd_length_audio"
    INVALID_BASE64 = "invalid_base64"
    NOT_JSON = "not_json"
    FLOOD = "flood"


@dataclass
class SimulatorFaults:
    """Every field is read when it matters, so a test can change it between or during turns.

    The defaults are a well-behaved service.
    """

    # Abort the TCP connection (no close frame) just before this many audio deltas of a
    # response have gone out; with `drop_once` the fault clears itself after firing.
    drop_after_audio_deltas: int | None = None
    drop_once: bool = True
    # Answer session.update late, or never.
    session_updated_delay_s: float = 0.0
    withhold_session_updated: bool = False
    # Raw frames of these kinds follow every session.updated.
    hostile_after_session_updated: list[Hostile] = field(default_factory=list)
    flood_count: int = 1000
    # Below the SDK's 4 MiB frame limit once base64-encoded, so the client must cope with it.
    huge_audio_delta_bytes: int = 2_000_000
    # Close a session politely (code 1000) after this long, like the service's session
    # length limit, or after this long without a client event.
    max_session_s: float | None = None
    idle_timeout_s: float | None = None
    # Handshakes get HTTP 503 until this time.monotonic() value.
    refuse_until: float = 0.0
    # Documented habits of the real service, off by default (service_modes.py).
    modes: ServiceModes = field(default_factory=ServiceModes)

    def refuse_connections(self, seconds: float) -> None:
        """Answer new handshakes with HTTP 503 for the next `seconds`."""
        self.refuse_until = time.monotonic() + seconds

    @property
    def refusing(self) -> bool:
        return time.monotonic() < self.refuse_until

    def take_drop(self, delta_index: int) -> bool:
        """True when the connection must drop before audio delta number `delta_index`."""
        if self.drop_after_audio_deltas is None or delta_index < self.drop_after_audio_deltas:
            return False
        if self.drop_once:
            self.drop_after_audio_deltas = None
        return True
