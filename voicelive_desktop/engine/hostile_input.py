"""The tally of server surprises a session survived, for diagnostics and tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from voicelive_desktop.engine.known_events import UnknownEventTally


@dataclass
class HostileInputStats:
    """Counts of server surprises survived, for diagnostics and tests."""

    events: int = 0
    unknown_types: int = 0
    untyped: int = 0  # a known type the SDK could not turn into its model class
    malformed: int = 0
    out_of_order: int = 0
    invalid_audio: int = 0
    server_errors: int = 0
    suppressed_errors: int = 0
    unknown_by_type: UnknownEventTally = field(default_factory=UnknownEventTally)
    internal_errors: int = 0  # caught by the safety net: a shape the checks did not foresee
