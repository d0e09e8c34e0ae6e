"""ClientEventLog: an `event_id` on every client event, and the recent ones kept by id, so
an `error` event is traced to the request that caused it.

The service echoes the id of the offending client event in `error.event_id` ("The
event_id of the client event that caused the error, if applicable": OpenAI Realtime
reference, server event `error`; the Voice Live reference's `error` carries the same
fields), and names the offending field in `error.param`. With both, "invalid value" becomes
"the voice setting was refused" or "the message 'hello' was refused".
"""

from __future__ import annotations

import itertools
import logging
import uuid
from collections import OrderedDict
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

_KEPT_EVENTS = 128
_QUOTED_CHARS = 60
# Mic audio goes out ~25 times a second: stamped, but not worth remembering one by one.
_NOT_KEPT = frozenset({"input_audio_buffer.append"})

# `error.param` (or a session.update field) → the setting's name as Preferences shows it.
_SETTING_NAMES = (
    ("session.voice", "Voice"),
    ("session.temperature", "Temperature"),
    ("session.turn_detection", "Turn detection"),
    ("session.input_audio_transcription", "Input transcription"),
    ("session.input_audio_noise_reduction", "Noise suppression"),
    ("session.input_audio_echo_cancellation", "Echo cancellation"),
    ("session.instructions", "Instructions"),
    ("session.max_response_output_tokens", "Maximum response length"),
    ("session.modalities", "Modalities"),
    ("session.tools", "Tools"),
    ("session.tool_choice", "Tool choice"),
)


@dataclass(frozen=True)
class SentEvent:
    """What one client event asked for, as far as an error message needs it."""

    event_id: str
    kind: str
    what: str  # the message's text, the session fields sent, ...


def _describe(event: Mapping[str, Any]) -> str:
    kind = event.get("type")
    if kind == "session.update":
        session = event.get("session")
        fields = sorted(session) if isinstance(session, Mapping) else []
        return ", ".join(f"session.{name}" for name in fields)
    if kind == "conversation.item.create":
        item = event.get("item")
        content = item.get("content") if isinstance(item, Mapping) else None
        texts = [
            str(part.get("text") or "")
            for part in (content if isinstance(content, list) else [])
            if isinstance(part, Mapping)
        ]
        return " ".join(t for t in texts if t)
    return ""


def setting_name(param: str) -> str | None:
    """The Preferences name of the setting a `session.…` parameter path belongs to."""
    for prefix, name in _SETTING_NAMES:
        if param == prefix or param.startswith(prefix + "."):
            return name
    return None


class ClientEventLog:
    """Owns the ids given to client events on one engine, and the last ones sent."""

    def __init__(self) -> None:
        self._sent: OrderedDict[str, SentEvent] = OrderedDict()
        self._prefix = f"evt_{uuid.uuid4().hex[:8]}_"
        self._numbers = itertools.count(1)

    def stamp(self, event: MutableMapping[str, Any]) -> str:
        """Give `event` an `event_id` (unless it has one) and remember it; returns the id."""
        event_id = event.get("event_id")
        if not isinstance(event_id, str) or not event_id:
            event_id = f"{self._prefix}{next(self._numbers)}"
            event["event_id"] = event_id
        kind = str(event.get("type") or "")
        if kind not in _NOT_KEPT:
            self._sent[event_id] = SentEvent(event_id, kind, _describe(event))
            while len(self._sent) > _KEPT_EVENTS:
                self._sent.popitem(last=False)
        return event_id

    def cause(self, event_id: object) -> SentEvent | None:
        """The client event with `event_id`, if it was recent enough to be kept."""
        return self._sent.get(event_id) if isinstance(event_id, str) else None


def explain_error(message: str, param: str, cause: SentEvent | None) -> str:
    """One sentence naming what the service refused, from the error and its cause."""
    if cause is None:
        return f"The Voice Live service reported an error: {message}"
    if cause.kind == "session.update":
        return refused_settings_message(message, param, cause)
    if cause.kind == "conversation.item.create" and cause.what:
        quoted = cause.what if len(cause.what) <= _QUOTED_CHARS else cause.what[:59] + "…"
        return f"The Voice Live service refused the message “{quoted}”: {message}"
    return f"The Voice Live service refused a {cause.kind} request: {message}"


def refused_settings_message(message: str, param: str, cause: SentEvent | None) -> str:
    """The sentence for a refused `session.update`, naming the setting when it can: from
    the error's `param`, else from the one field the update sent."""
    name = setting_name(param)
    if name is None and cause is not None and "," not in cause.what:
        name = setting_name(cause.what)
    if name is not None:
        return f"The Voice Live service refused the {name} setting: {message}"
    return f"The Voice Live service refused the session settings: {message}"
