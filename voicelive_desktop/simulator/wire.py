"""Server event shapes of the Voice Live protocol as the simulator sends them (plain JSON dicts)."""

from __future__ import annotations

import itertools
from typing import Any

Event = dict[str, Any]

_counter = itertools.count(1)


def new_id(prefix: str) -> str:
    """A process-unique id in the service's style, e.g. `item_000042`."""
    return f"{prefix}_{next(_counter):06d}"


def error_event(
    message: str,
    *,
    code: str | None,
    param: str | None = None,
    client_event_id: str | None = None,
    error_type: str = "invalid_request_error",
) -> Event:
    """An `error` event shaped like the service's; the connection stays open after it."""
    return {
        "type": "error",
        "error": {
            "type": error_type,
            "code": code,
            "message": message,
            "param": param,
            "event_id": client_event_id,
        },
    }


def error_for(client_event: Event, message: str, code: str, param: str | None = None) -> Event:
    """An `error` event answering `client_event`, quoting its event_id when it had one."""
    client_id = client_event.get("event_id")
    return error_event(
        message,
        code=code,
        param=param,
        client_event_id=client_id if isinstance(client_id, str) else None,
    )


def assistant_item(item_id: str, status: str, content: list[Event]) -> Event:
    """The assistant message item of a response."""
    return {
        "id": item_id,
        "object": "realtime.item",
        "type": "message",
        "role": "assistant",
        "status": status,
        "content": content,
    }


def user_audio_item(item_id: str, transcript: str | None) -> Event:
    """The user message item created when the input audio buffer is committed."""
    return {
        "id": item_id,
        "object": "realtime.item",
        "type": "message",
        "role": "user",
        "status": "completed",
        "content": [{"type": "input_audio", "transcript": transcript}],
    }


def output_part(modality: str, text: str) -> Event:
    """The content part an assistant response streams into: spoken audio or plain text."""
    if modality == "audio":
        return {"type": "audio", "transcript": text}
    return {"type": "text", "text": text}


def usage(
    input_text_tokens: int,
    input_audio_tokens: int,
    output_text_tokens: int,
    output_audio_tokens: int,
) -> Event:
    """Token usage in the service's layout; the simulator's counts are honest estimates."""
    input_total = input_text_tokens + input_audio_tokens
    output_total = output_text_tokens + output_audio_tokens
    return {
        "total_tokens": input_total + output_total,
        "input_tokens": input_total,
        "output_tokens": output_total,
        "input_token_details": {
            "cached_tokens": 0,
            "text_tokens": input_text_tokens,
            "audio_tokens": input_audio_tokens,
            "image_tokens": 0,
        },
        "output_token_details": {
            "text_tokens": output_text_tokens,
            "audio_tokens": output_audio_tokens,
        },
    }


def response_object(
    response_id: str,
    status: str,
    *,
    modalities: list[str],
    output: list[Event],
    usage_: Event | None = None,
    status_details: Event | None = None,
) -> Event:
    """The `response` object carried by response.created and response.done."""
    return {
        "id": response_id,
        "object": "realtime.response",
        "status": status,
        "status_details": status_details,
        "output": output,
        "usage": usage_,
        "modalities": modalities,
        "output_audio_format": "pcm16",
    }


def response_created(response_id: str, modalities: list[str]) -> Event:
    """The response.created that opens a response: in progress, no output yet."""
    return {
        "type": "response.created",
        "response": response_object(response_id, "in_progress", modalities=modalities, output=[]),
    }


def response_done(
    response_id: str,
    status: str,
    *,
    modalities: list[str],
    output: list[Event],
    usage_: Event | None = None,
    status_details: Event | None = None,
) -> Event:
    """The response.done that ends a response, with what it produced."""
    return {
        "type": "response.done",
        "response": response_object(
            response_id,
            status,
            modalities=modalities,
            output=output,
            usage_=usage_,
            status_details=status_details,
        ),
    }


def failed_response_done(response_id: str, modalities: list[str], error: Event) -> Event:
    """The response.done that ends a response as failed when the simulator itself broke."""
    return response_done(
        response_id,
        "failed",
        modalities=modalities,
        output=[],
        status_details={"type": "failed", "error": error},
    )
