"""Checks on `response.create`'s optional `response` object, as the service makes them."""

from __future__ import annotations

from voicelive_desktop.simulator import wire
from voicelive_desktop.simulator.wire import Event


def checked_options(event: Event) -> tuple[Event, Event | None]:
    """(the response options, or {}; the error event to send instead, if they are unusable)."""
    options = event.get("response")
    if options is not None and not isinstance(options, dict):
        return {}, wire.error_for(
            event, "'response' must be an object.", "invalid_value", "response"
        )
    modalities = (options or {}).get("modalities")
    if modalities is not None and (
        not isinstance(modalities, list)
        or not modalities
        or any(m not in ("text", "audio") for m in modalities)
    ):
        message = f"Invalid 'response.modalities' {modalities!r}: use 'text' and/or 'audio'."
        return {}, wire.error_for(event, message, "invalid_value", "response.modalities")
    return options or {}, None
