"""What the service is told after the assistant was cut off: cancel, truncate, or both."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from voicelive_desktop.engine.connection import Request
from voicelive_desktop.engine.errors import ConnectionLost

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BargeIn:
    """What the engine must tell the server after playback was cut: cancel and/or truncate."""

    response_id: str | None  # still streaming: cancel it
    item_id: str
    played_ms: int


async def tell_server(send: Callable[[Request], Awaitable[None]], barge_in: BargeIn) -> None:
    """Cancel the response still streaming, and truncate the item to what was heard, so the
    model's context holds only what the user actually heard."""
    try:
        if barge_in.response_id:
            await send(lambda conn: conn.response.cancel(response_id=barge_in.response_id))
        if barge_in.item_id:
            await send(
                lambda conn: conn.conversation.item.truncate(
                    item_id=barge_in.item_id, content_index=0, audio_end_ms=barge_in.played_ms
                )
            )
    except ConnectionLost as exc:
        log.info("barge-in not sent: %s", exc.message)
