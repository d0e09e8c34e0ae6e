"""Reading one client text frame: a JSON event object, or the error the service would answer."""

from __future__ import annotations

import json
from dataclasses import dataclass

from voicelive_desktop.simulator import wire
from voicelive_desktop.simulator.wire import Event

# Client event types the SDK knows but the simulator does not act on.
UNSUPPORTED = frozenset(
    {
        "input_audio.clear",
        "input_audio.turn.append",
        "input_audio.turn.cancel",
        "input_audio.turn.end",
        "input_audio.turn.start",
        "input_text.delta",
        "input_text.done",
        "output_audio_buffer.clear",
        "session.avatar.connect",
    }
)


@dataclass(frozen=True)
class ParsedFrame:
    """What a frame held (`event`, {"type": "", "raw": ...} when not an object) and, when it
    cannot be acted on, the `error` event to answer with."""

    event: Event
    error: Event | None


def parse_frame(data: str, handled: frozenset[str]) -> ParsedFrame:
    """Parse `data`; `handled` are the types the session acts on."""
    try:
        event = json.loads(data)
    except json.JSONDecodeError as error:
        return ParsedFrame(
            {"type": "", "raw": data},
            wire.error_event(f"The event is not valid JSON: {error}.", code="invalid_json"),
        )
    if not isinstance(event, dict):
        return ParsedFrame(
            {"type": "", "raw": data},
            wire.error_event("An event must be a JSON object with a 'type'.", code="invalid_value"),
        )
    kind = event.get("type")
    if isinstance(kind, str) and kind in handled:
        return ParsedFrame(event, None)
    if kind is None:
        message, code = "Missing required parameter: 'type'.", "missing_required_parameter"
    elif kind in UNSUPPORTED:
        message, code = f"The offline simulator does not implement '{kind}'.", "unsupported_event"
    else:
        message = f"Invalid value: {kind!r}. It is not a client event type of this API."
        code = "invalid_value"
    return ParsedFrame(event, wire.error_for(event, message, code, "type"))
