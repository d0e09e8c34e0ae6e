"""One assistant response, from response.created to response.done, streamed in real time."""

from __future__ import annotations

import asyncio
import base64
import math
import time
from collections.abc import Awaitable, Callable

from voicelive_desktop.protocol import BYTES_PER_SAMPLE, SAMPLE_RATE_HZ, pcm16_bytes_to_ms
from voicelive_desktop.simulator import wire
from voicelive_desktop.simulator.conversation import Conversation, ConversationItem
from voicelive_desktop.simulator.service_modes import (
    ServiceModes,
    response_outcome,
    response_start_extras,
    word_extras,
)
from voicelive_desktop.simulator.speech import SpeechSynthesizer
from voicelive_desktop.simulator.voice_options import SpeechStyle
from voicelive_desktop.simulator.wire import Event
from voicelive_desktop.simulator.word_timing import WordTime

AUDIO_CHUNK_MS = 100
TEXT_WORD_INTERVAL_S = 0.02
_CHUNK_BYTES = SAMPLE_RATE_HZ * AUDIO_CHUNK_MS // 1000 * BYTES_PER_SAMPLE

Send = Callable[[Event], Awaitable[None]]


def _text_tokens(text: str) -> int:
    return math.ceil(len(text.split()) * 4 / 3)


def _timestamp_event(ids: Event, word: WordTime) -> Event:
    """`response.audio_timestamp.delta` as the Voice Live how-to guide shows it (the SDK also
    requires output_index and content_index, which `ids` carries)."""
    return {
        "type": "response.audio_timestamp.delta",
        **ids,
        "audio_offset_ms": word.offset_ms,
        "audio_duration_ms": word.duration_ms,
        "text": word.text,
        "timestamp_type": "word",
    }


class ConnectionDropped(Exception):
    """A fault ended the connection mid-response; nothing more may be sent."""


class ResponseStream:
    """Streams one reply; `cancel()` makes it stop at the next chunk and end as cancelled.

    Audio chunks leave on the wall clock (one 100 ms chunk per 100 ms) so that a cancel or a
    barge-in mid-response cuts the reply where a listener would hear it cut.
    """

    def __init__(
        self,
        *,
        send: Send,
        conversation: Conversation,
        synthesizer: SpeechSynthesizer,
        reply: str,
        modalities: list[str],
        input_tokens: tuple[int, int],
        before_audio_delta: Callable[[int], Awaitable[None]],
        style: SpeechStyle | None = None,
        word_timestamps: bool = False,
        modes: ServiceModes | None = None,
    ) -> None:
        self.response_id = wire.new_id("resp")
        self.item_id = wire.new_id("item")
        self._send = send
        self._conversation = conversation
        self._synthesizer = synthesizer
        self._modes = modes or ServiceModes()
        # A response the modes end early: failed at once, or cut short by the token limit.
        self._outcome = response_outcome(self._modes)
        if self._outcome is not None and self._outcome[0] == "incomplete":
            reply = " ".join(reply.split()[:4])
        self._reply = reply
        self._modality = "audio" if "audio" in modalities else "text"
        self._modalities = modalities
        self._input_tokens = input_tokens
        self._before_audio_delta = before_audio_delta
        self._word_timestamps = word_timestamps
        self._cancelled = asyncio.Event()
        self._style = style or SpeechStyle()
        self._cancel_reason = "client_cancelled"
        self._item: ConversationItem | None = None

    def cancel(self, reason: str = "client_cancelled") -> None:
        """Stop at the next chunk; `reason` goes into response.done's status_details."""
        if not self._cancelled.is_set():
            self._cancel_reason = reason
            self._cancelled.set()

    async def run(self) -> None:
        """Send every event of the response; returns after response.done."""
        ids = {
            "response_id": self.response_id,
            "item_id": self.item_id,
            "output_index": 0,
            "content_index": 0,
        }
        await self._send(wire.response_created(self.response_id, self._modalities))
        for extra in response_start_extras(self.response_id, self._modes):
            await self._send(extra)
        in_progress = wire.assistant_item(self.item_id, "in_progress", [])
        await self._send(
            {
                "type": "response.output_item.added",
                "response_id": self.response_id,
                "output_index": 0,
                "item": in_progress,
            }
        )
        self._item = ConversationItem(self.item_id, "assistant", in_progress, text="")
        previous = self._conversation.add(self._item)
        await self._send(
            {"type": "conversation.item.created", "previous_item_id": previous, "item": in_progress}
        )
        await self._send(
            {
                "type": "response.content_part.added",
                **ids,
                "part": wire.output_part(self._modality, ""),
            }
        )
        if self._outcome is not None and self._outcome[0] == "failed":
            said, audio_ms = "", 0
        elif self._modality == "audio":
            said, audio_ms = await self._stream_audio(ids)
        else:
            said, audio_ms = await self._stream_text(ids), 0
        await self._finish(ids, said, audio_ms)

    def failed_event(self, error: Event) -> Event:
        """The response.done that ends this response when the simulator itself broke."""
        return wire.failed_response_done(self.response_id, self._modalities, error)

    async def _stream_audio(self, ids: Event) -> tuple[str, int]:
        pcm = await self._synthesizer.synthesize(self._reply, self._style)
        assert self._item is not None
        self._item.audio_ms = pcm16_bytes_to_ms(len(pcm))
        chunks = [pcm[i : i + _CHUNK_BYTES] for i in range(0, len(pcm), _CHUNK_BYTES)]
        words = self._reply.split()
        said: list[str] = []
        timed: list[WordTime] = []
        if self._word_timestamps:
            timed, _measured = await self._synthesizer.word_times(
                self._reply, self._item.audio_ms, self._style
            )
        next_timed = 0
        started = time.monotonic()
        for index, chunk in enumerate(chunks):
            if await self._cancelled_before(started + index * AUDIO_CHUNK_MS / 1000):
                return " ".join(said), index * AUDIO_CHUNK_MS
            # Voice Live sends each word's timestamp as its audio is generated (how-to guide,
            # "Audio timestamps"): here, with the chunk in which the word starts.
            chunk_end_ms = (index + 1) * AUDIO_CHUNK_MS
            while next_timed < len(timed) and timed[next_timed].offset_ms < chunk_end_ms:
                await self._send(_timestamp_event(ids, timed[next_timed]))
                next_timed += 1
            # Words go out spread over the audio, each a little ahead of where it is spoken.
            due = (
                len(words) if index == len(chunks) - 1 else (index + 1) * len(words) // len(chunks)
            )
            while len(said) < due:
                delta = words[len(said)] if not said else " " + words[len(said)]
                said.append(words[len(said)])
                await self._send({"type": "response.audio_transcript.delta", **ids, "delta": delta})
                for extra in word_extras(ids, said[-1], index * AUDIO_CHUNK_MS, self._modes):
                    await self._send(extra)
            await self._before_audio_delta(index)
            await self._send(
                {
                    "type": "response.audio.delta",
                    **ids,
                    "delta": base64.b64encode(chunk).decode("ascii"),
                }
            )
        if await self._cancelled_before(started + len(chunks) * AUDIO_CHUNK_MS / 1000):
            return " ".join(said), len(chunks) * AUDIO_CHUNK_MS
        if self._word_timestamps:
            for word in timed[next_timed:]:
                await self._send(_timestamp_event(ids, word))
            await self._send({"type": "response.audio_timestamp.done", **ids})
        await self._send({"type": "response.audio.done", **ids})
        await self._send(
            {"type": "response.audio_transcript.done", **ids, "transcript": self._reply}
        )
        return self._reply, pcm16_bytes_to_ms(len(pcm))

    async def _stream_text(self, ids: Event) -> str:
        words = self._reply.split()
        for index, word in enumerate(words):
            if await self._cancelled_before(time.monotonic() + TEXT_WORD_INTERVAL_S):
                return " ".join(words[:index])
            await self._send(
                {"type": "response.text.delta", **ids, "delta": word if index == 0 else " " + word}
            )
        await self._send({"type": "response.text.done", **ids, "text": self._reply})
        return self._reply

    async def _cancelled_before(self, deadline: float) -> bool:
        """Wait until `deadline` on the monotonic clock; True as soon as cancel() is called."""
        try:
            await asyncio.wait_for(self._cancelled.wait(), max(0.0, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            return False
        return True

    def _status(self) -> tuple[str, Event | None]:
        if self._cancelled.is_set():
            return "cancelled", {"type": "cancelled", "reason": self._cancel_reason}
        if self._outcome is not None:
            return self._outcome
        return "completed", None

    async def _finish(self, ids: Event, said: str, audio_ms: int) -> None:
        status, details = self._status()
        part = wire.output_part(self._modality, said)
        if status != "cancelled":
            await self._send({"type": "response.content_part.done", **ids, "part": part})
        item_status = "completed" if status == "completed" else "incomplete"
        item = wire.assistant_item(self.item_id, item_status, [part])
        assert self._item is not None
        self._item.raw, self._item.text = item, said
        await self._send(
            {
                "type": "response.output_item.done",
                "response_id": self.response_id,
                "output_index": 0,
                "item": item,
            }
        )
        text_in, audio_in = self._input_tokens
        usage = wire.usage(text_in, audio_in, _text_tokens(said), audio_ms // 50)
        await self._send(
            wire.response_done(
                self.response_id,
                status,
                modalities=self._modalities,
                output=[item],
                usage_=usage,
                status_details=details,
            )
        )
