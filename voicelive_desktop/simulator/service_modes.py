"""Service modes: documented habits of the real service, each selectable per test.

The simulator's default is the tidiest service the references allow. The real one also:
transcribes input asynchronously (late, streamed, or failing), ends responses as failed or
incomplete, sends events this client need not act on, names events nobody documents, shapes
fields two ways, and expires sessions. Each mode below turns one of those on; a test sets it
on `simulator.faults.modes` before (or during) a conversation.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from voicelive_desktop.simulator.wire import Event

Send = Callable[[Event], Awaitable[None]]

# "Your session hit the maximum duration of 30 minutes." (OpenAI Realtime, error
# `session_expired`); Voice Live sessions end at their own limit the same way.
SESSION_EXPIRED_MESSAGE = "Your session hit the maximum duration of 30 minutes."


@dataclass
class ServiceModes:
    """Every field is read when it matters; the defaults are the tidy service."""

    # Input transcription completes this long after the response started, so after the
    # response's first events ("runs asynchronously with Response creation, so this event
    # may come before or after the Response events": OpenAI Realtime reference,
    # conversation.item.input_audio_transcription.completed; Voice Live reference alike).
    late_transcript_s: float | None = None
    # Stream conversation.item.input_audio_transcription.delta, word by word, first.
    transcript_deltas: bool = False
    # Send conversation.item.input_audio_transcription.failed instead of .completed
    # (OpenAI Realtime reference; Voice Live reference, same event and `error` object).
    fail_transcription: bool = False
    # End every response with status "failed" and this status_details.error.message
    # (OpenAI Realtime reference, response.done: status_details.error when failed).
    fail_responses_with: str | None = None
    # End every response after a few words with status "incomplete", reason
    # "max_output_tokens" (OpenAI Realtime reference, response.done status_details.reason).
    cut_responses_short: bool = False
    # A response.cancel crosses the service's own end of the response: the response ends
    # (turn_detected) and the cancel earns "no active response" (a race the real service
    # shows when server VAD and a client cancel meet).
    cancel_races_server: bool = False
    # Events the references document that a voice client need not act on: rate_limits
    # .updated and a warning at response start, response.audio_timestamp.delta/.done and
    # response.animation_viseme.delta per word, session.avatar.connecting at session start
    # (Voice Live API reference 2026-04-10, server events).
    documented_extras: bool = False
    # Undocumented event types sent at every response start (a newer service's features).
    unknown_event_types: tuple[str, ...] = ()
    # Shapes both references allow: the voice in session.updated as a plain string
    # (OpenAI) instead of an object (Azure); unknown extra fields on every event; deltas
    # without an event_id.
    voice_as_string: bool = False
    extra_fields: bool = False
    deltas_without_event_id: bool = False
    # Refuse any session.update that sets this top-level field (error.param names it).
    refuse_setting: str | None = None
    # An endpoint, region or model without the client echo reference (which came with API
    # version 2026-07-15: AudioEchoCancellation `reference_source: client`, `channels: 2`).
    # "refuse": an `error` answers the session.update, its `param` naming the field ("param:
    # Parameter related to the error", OpenAI Realtime reference, error event). "drop": the
    # update applies without it, and session.updated shows the session as it runs ("respond
    # with a session.updated event showing the full, effective configuration", OpenAI
    # Realtime reference, session.update), so the echo config is missing there.
    client_echo_reference: str = "accept"
    # Refuse conversation.item.create of a message containing this text.
    refuse_messages_containing: str | None = None
    # After this long, send error `session_expired` and close the socket (code 1000).
    expire_session_after_s: float | None = None


def shaped(event: Event, modes: ServiceModes) -> Event:
    """`event` as the selected shape modes would send it."""
    if modes.voice_as_string and event.get("type") in ("session.created", "session.updated"):
        session = dict(event.get("session") or {})
        voice = session.get("voice")
        if isinstance(voice, dict):
            session["voice"] = str(voice.get("name") or "alloy")
        event = {**event, "session": session}
    if modes.extra_fields:
        event = {**event, "x_future_field": {"nested": [1, "two", None]}}
    if modes.deltas_without_event_id and str(event.get("type", "")).endswith(".delta"):
        event = {k: v for k, v in event.items() if k != "event_id"}
    return event


async def send_transcription(
    send: Send, item_id: str, transcript: str, modes: ServiceModes
) -> None:
    """The transcription events of one committed user audio item, as the modes say."""
    ids = {"item_id": item_id, "content_index": 0}
    prefix = "conversation.item.input_audio_transcription"
    if modes.transcript_deltas:
        for index, word in enumerate(transcript.split()):
            delta = word if index == 0 else f" {word}"
            await send({"type": f"{prefix}.delta", **ids, "delta": delta})
    if modes.fail_transcription:
        error = {
            "type": "transcription_error",
            "code": "audio_unintelligible",
            "message": "The audio could not be transcribed.",
            "param": None,
        }
        await send({"type": f"{prefix}.failed", **ids, "error": error})
        return
    await send({"type": f"{prefix}.completed", **ids, "transcript": transcript})


async def send_late(
    response_started: asyncio.Event, delay_s: float, send: Callable[[], Awaitable[None]]
) -> None:
    """Run `send` `delay_s` after the next response started (or after 5 s without one)."""
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(response_started.wait(), 5.0)
    await asyncio.sleep(delay_s)
    await send()


def response_start_extras(response_id: str, modes: ServiceModes) -> list[Event]:
    """The documented and undocumented events sent right after response.created."""
    events: list[Event] = []
    if modes.documented_extras:
        limits = [
            {"name": "requests", "limit": 1000, "remaining": 999, "reset_seconds": 60},
            {"name": "tokens", "limit": 50000, "remaining": 49000, "reset_seconds": 60},
        ]
        events.append({"type": "rate_limits.updated", "rate_limits": limits})
        events.append(
            {
                "type": "warning",
                "warning": {"code": "preview_feature", "message": "A preview feature is in use."},
            }
        )
    for kind in modes.unknown_event_types:
        events.append({"type": kind, "response_id": response_id, "payload": {"x": 1}})
    return events


def word_extras(ids: Event, word: str, offset_ms: int, modes: ServiceModes) -> list[Event]:
    """Per-word timing and viseme events, when documented extras are on."""
    if not modes.documented_extras:
        return []
    return [
        {
            "type": "response.audio_timestamp.delta",
            **ids,
            "audio_offset_ms": offset_ms,
            "audio_duration_ms": 200,
            "text": word,
            "timestamp_type": "word",
        },
        {
            "type": "response.animation_viseme.delta",
            **ids,
            "audio_offset_ms": offset_ms,
            "viseme_id": 3,
        },
    ]


def session_start_extras(modes: ServiceModes) -> list[Event]:
    if not modes.documented_extras:
        return []
    return [{"type": "session.avatar.connecting", "server_sdp": ""}]


def response_outcome(modes: ServiceModes) -> tuple[str, dict[str, Any]] | None:
    """(status, status_details) for a response the modes end early, else None."""
    if modes.fail_responses_with is not None:
        error = {
            "type": "server_error",
            "code": "model_error",
            "message": modes.fail_responses_with,
        }
        return "failed", {"type": "failed", "error": error}
    if modes.cut_responses_short:
        return "incomplete", {"type": "incomplete", "reason": "max_output_tokens"}
    return None


_ECHO_FIELD = "input_audio_echo_cancellation"


def asks_client_echo_reference(update: Any) -> bool:
    """True when a session.update's `session` asks for the client echo reference."""
    echo = update.get(_ECHO_FIELD) if isinstance(update, dict) else None
    return isinstance(echo, dict) and echo.get("reference_source") == "client"


def client_echo_refusal(update: Any, modes: ServiceModes) -> tuple[str, str] | None:
    """(message, param) of the error refusing this update's client echo reference, when
    the modes say the service has none to offer; None otherwise."""
    if modes.client_echo_reference != "refuse" or not asks_client_echo_reference(update):
        return None
    return (
        "The value 'client' of 'reference_source' is not supported for this model and API version.",
        f"session.{_ECHO_FIELD}.reference_source",
    )


def without_client_echo_reference(update: Any, modes: ServiceModes) -> Any:
    """The update as a service that drops the client echo reference applies it."""
    if modes.client_echo_reference != "drop" or not asks_client_echo_reference(update):
        return update
    return {key: value for key, value in update.items() if key != _ECHO_FIELD}
