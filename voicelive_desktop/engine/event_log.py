"""The event inspector's tap: every websocket message in and out, kept in a bounded ring buffer.

The tap sits on the connection's websocket, below the SDK, so it sees exactly the JSON text
sent and received (and its size) without parsing anything. A base64 audio payload is cut out
by a string search as the message is kept (nobody is shown it, and it was nearly all of the
log's memory); parsing and secret redaction happen only when someone looks
(`LoggedEvent.type`, `readable_event`), so an inspector that is closed costs one deque append
and a few string searches per message.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMessage, WSMsgType

from voicelive_desktop.protocol import BYTES_PER_SAMPLE, SAMPLE_RATE_HZ

CLIENT = "client"
SERVER = "server"
# Defaults: a few minutes of a conversation's events, a few megabytes at most.
DEFAULT_MAX_EVENTS = 5000
DEFAULT_MAX_CHARS = 16_000_000

REDACTED = "«redacted»"
_SECRET_KEYS = frozenset(
    {
        "authorization",
        "api-key",
        "api_key",
        "apikey",
        "x-api-key",
        "ocp-apim-subscription-key",
        "password",
        "secret",
        "client_secret",
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "credential",
        "credentials",
        "key",
        "sas",
        "sas_token",
    }
)
_SECRET_SUFFIXES = ("_secret", "_password", "_api_key", "-api-key", "_token_value")
_BEARER = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
# Keys that carry base64 audio; "delta" only in the audio delta events (elsewhere it is text).
_AUDIO_KEYS = frozenset({"audio"})
_AUDIO_DELTA_TYPES = frozenset({"response.audio.delta", "response.output_audio.delta"})
_MIN_ELIDED_CHARS = 64
_ELIDED_MARK = "«audio elided"
# Messages shorter than this carry no audio worth cutting out; they are kept as they came.
_CUT_FROM_CHARS = 512
_AUDIO_FIELDS = ('"audio"', '"delta"')


@dataclass(slots=True)
class LoggedEvent:
    """One websocket message as it crossed the wire; `type` is parsed on first access."""

    seq: int
    at: float  # wall-clock seconds (time.time())
    direction: str  # CLIENT or SERVER
    raw: str  # the message's JSON text, a base64 audio payload replaced by a note
    _type: str | None = field(default=None, repr=False)
    wire_chars: int = 0  # the message's length on the wire (0: that of `raw`)

    @property
    def size(self) -> int:
        """Characters of JSON text sent or received (bytes, for the protocol's ASCII JSON)."""
        return self.wire_chars or len(self.raw)

    @property
    def type(self) -> str:
        if self._type is None:
            try:
                parsed = json.loads(self.raw)
            except ValueError:
                self._type = "(not JSON)"
            else:
                kind = parsed.get("type") if isinstance(parsed, dict) else None
                self._type = kind if isinstance(kind, str) else "(no type)"
        return self._type


class EventLog:
    """Owns the ring buffer of recent client and server messages, bounded by count and size.

    `listener`, when set, is called after every record (the inspector coalesces these into
    one refresh); it must be cheap and must not raise.
    """

    def __init__(
        self, max_events: int = DEFAULT_MAX_EVENTS, max_chars: int = DEFAULT_MAX_CHARS
    ) -> None:
        if max_events < 1 or max_chars < 1:
            raise ValueError("an event log must be able to keep at least one event")
        self.max_events = max_events
        self.max_chars = max_chars
        self._events: deque[LoggedEvent] = deque()
        self._chars = 0
        self._seq = itertools.count(1)
        self.dropped = 0  # events pushed out by the bounds since the log was made
        self.listener: Callable[[], None] | None = None
        self._clock: Callable[[], float] = time.time

    def record(self, direction: str, raw: str) -> None:
        """Keep one message (loop thread); the oldest go when a bound is exceeded."""
        kept = _without_audio(raw) if len(raw) >= _CUT_FROM_CHARS else raw
        event = LoggedEvent(next(self._seq), self._clock(), direction, kept, wire_chars=len(raw))
        self._events.append(event)
        self._chars += len(kept)
        while len(self._events) > self.max_events or (
            self._chars > self.max_chars and len(self._events) > 1
        ):
            self._chars -= len(self._events.popleft().raw)
            self.dropped += 1
        if self.listener is not None:
            self.listener()

    def clear(self) -> None:
        self.dropped += len(self._events)
        self._events.clear()
        self._chars = 0

    @property
    def chars(self) -> int:
        """Characters of JSON text held now (the bulk of the log's memory)."""
        return self._chars

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[LoggedEvent]:
        return iter(list(self._events))

    def since(self, seq: int) -> list[LoggedEvent]:
        """The kept events newer than `seq`, oldest first."""
        newer: list[LoggedEvent] = []
        for event in reversed(self._events):
            if event.seq <= seq:
                break
            newer.append(event)
        newer.reverse()
        return newer

    @property
    def oldest_seq(self) -> int:
        return self._events[0].seq if self._events else 0


class TappedSocket:
    """Stands in for the SDK connection's aiohttp websocket and records each text message.

    Everything else is passed straight to the real socket.
    """

    def __init__(self, socket: Any, log: EventLog) -> None:
        self._socket = socket
        self._log = log

    async def receive(self, timeout: float | None = None) -> WSMessage:
        message: WSMessage = await self._socket.receive(timeout)
        if message.type is WSMsgType.TEXT:
            self._log.record(SERVER, message.data)
        return message

    async def send_str(self, data: str, compress: int | None = None) -> None:
        await self._socket.send_str(data, compress)
        self._log.record(CLIENT, data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._socket, name)


def tap_connection(connection: Any, log: EventLog) -> None:
    """Record every message of an open SDK `VoiceLiveConnection` in `log`.

    SDK 1.3.1 keeps its aiohttp websocket in `_connection` and reads and writes only through
    `receive()` and `send_str()`; the tap replaces that attribute. Should a later SDK rename
    it, the inspector stays empty rather than breaking the session.
    """
    socket = getattr(connection, "_connection", None)
    if socket is not None and hasattr(socket, "receive") and hasattr(socket, "send_str"):
        connection._connection = TappedSocket(socket, log)


# -- showing an event -----------------------------------------------------------------------


def _is_secret_key(key: str) -> bool:
    lowered = key.lower()
    return lowered in _SECRET_KEYS or lowered.endswith(_SECRET_SUFFIXES)


def _without_audio(raw: str) -> str:
    """`raw` with its base64 audio value replaced by a note, found by string search (no
    parse). Base64 holds no quote or backslash, so the value ends at the next quote; anything
    that does not look like that (a text delta, a key found inside a value) is kept whole."""
    for key in _AUDIO_FIELDS:
        at = raw.find(key)
        if at < 0 or (key == '"delta"' and "audio.delta" not in raw[:at]):
            continue  # a "delta" is audio only in an audio delta (its type comes first)
        after = at + len(key)
        start = raw.find('"', after)
        end = raw.find('"', start + 1) if start >= 0 else -1
        if end < 0 or raw[after:start].strip() != ":":
            continue
        if end - start - 1 >= _MIN_ELIDED_CHARS and raw.find("\\", start, end) < 0:
            return raw[: start + 1] + _audio_note(end - start - 1) + raw[end:]
    return raw


def _audio_note(base64_chars: int) -> str:
    ms = base64_chars * 3 // 4 * 1000 // (SAMPLE_RATE_HZ * BYTES_PER_SAMPLE)
    return f"{_ELIDED_MARK}: {base64_chars:,} base64 chars, ≈ {ms:,} ms of 24 kHz PCM16»"


def _elided_audio(value: str) -> str:
    try:
        audio_bytes = len(base64.b64decode(value, validate=True))
    except ValueError:
        audio_bytes = len(value) * 3 // 4
    ms = audio_bytes * 1000 // (SAMPLE_RATE_HZ * BYTES_PER_SAMPLE)
    return f"{_ELIDED_MARK}: {len(value):,} base64 chars, ≈ {ms:,} ms of 24 kHz PCM16»"


def _clean(value: Any, event_type: str) -> Any:
    if isinstance(value, dict):
        return {k: _clean_item(k, v, event_type) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(item, event_type) for item in value]
    if isinstance(value, str):
        return _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", value)
    return value


def _clean_item(key: str, value: Any, event_type: str) -> Any:
    if _is_secret_key(key) and value not in (None, ""):
        return REDACTED
    if key == "headers" and isinstance(value, dict):
        # An MCP tool's headers: any of them may carry a token, whatever its name.
        return {name: REDACTED if v not in (None, "") else v for name, v in value.items()}
    audio = key in _AUDIO_KEYS or (key == "delta" and event_type in _AUDIO_DELTA_TYPES)
    if audio and isinstance(value, str) and len(value) >= _MIN_ELIDED_CHARS:
        return value if value.startswith(_ELIDED_MARK) else _elided_audio(value)
    return _clean(value, event_type)


def readable_event(raw: str) -> Any:
    """The message as JSON data with audio payloads elided and secrets redacted."""
    try:
        parsed = json.loads(raw)
    except ValueError:
        return {"unparsed_text": _BEARER.sub(REDACTED, raw[:2000])}
    event_type = parsed.get("type", "") if isinstance(parsed, dict) else ""
    return _clean(parsed, event_type if isinstance(event_type, str) else "")


def readable_json(raw: str) -> str:
    """`readable_event` as indented JSON text for the inspector's detail pane."""
    return json.dumps(readable_event(raw), indent=2, ensure_ascii=False)
