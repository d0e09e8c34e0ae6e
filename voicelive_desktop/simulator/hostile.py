"""Raw frames for each Hostile kind: what a confused or broken service might send."""

from __future__ import annotations

import base64
import json

from voicelive_desktop.simulator import wire
from voicelive_desktop.simulator.faults import Hostile, SimulatorFaults


def _frame(event: wire.Event) -> str:
    return json.dumps({"event_id": wire.new_id("event"), **event})


def _orphan_ids() -> wire.Event:
    return {
        "response_id": wire.new_id("resp_unknown"),
        "item_id": wire.new_id("item_unknown"),
        "output_index": 0,
        "content_index": 0,
    }


def hostile_frames(kind: Hostile, faults: SimulatorFaults) -> list[str]:
    """The text frames that make up one burst of `kind`."""
    if kind is Hostile.UNKNOWN_TYPE:
        return [_frame({"type": "simulator.surprise", "detail": "an event type no SDK knows"})]
    if kind is Hostile.MISSING_FIELDS:
        return [
            _frame({"type": "response.audio.delta"}),
            _frame({"type": "response.done"}),
            _frame({"type": "conversation.item.input_audio_transcription.completed"}),
            _frame({"type": "error"}),
        ]
    if kind is Hostile.WRONG_TYPES:
        return [
            _frame(
                {
                    "type": "response.audio.delta",
                    "response_id": 7,
                    "item_id": None,
                    "output_index": "zero",
                    "content_index": [],
                    "delta": 12345,
                }
            ),
            _frame({"type": "response.done", "response": "finished"}),
            _frame(
                {
                    "type": "input_audio_buffer.speech_started",
                    "audio_start_ms": "soon",
                    "item_id": {"nested": True},
                }
            ),
            _frame({"type": "error", "error": "plain string"}),
        ]
    if kind is Hostile.DELTA_FOR_UNKNOWN_RESPONSE:
        ids = _orphan_ids()
        audio = base64.b64encode(bytes(4800)).decode("ascii")
        return [
            _frame({"type": "response.audio.delta", **ids, "delta": audio}),
            _frame({"type": "response.audio_transcript.delta", **ids, "delta": "orphan"}),
            _frame({"type": "response.text.delta", **ids, "delta": "orphan"}),
        ]
    if kind is Hostile.DONE_TWICE:
        ids = _orphan_ids()
        done = {
            "type": "response.done",
            "response": wire.response_object(
                ids["response_id"], "completed", modalities=["text"], output=[]
            ),
        }
        audio_done = {"type": "response.audio.done", **ids}
        return [_frame(audio_done), _frame(audio_done), _frame(done), _frame(done)]
    if kind is Hostile.HUGE_AUDIO_DELTA:
        huge = base64.b64encode(bytes(faults.huge_audio_delta_bytes)).decode("ascii")
        return [_frame({"type": "response.audio.delta", **_orphan_ids(), "delta": huge})]
    if kind is Hostile.ODD_LENGTH_AUDIO:
        odd = base64.b64encode(bytes(4801)).decode("ascii")
        return [_frame({"type": "response.audio.delta", **_orphan_ids(), "delta": odd})]
    if kind is Hostile.INVALID_BASE64:
        return [
            _frame(
                {"type": "response.audio.delta", **_orphan_ids(), "delta": "this is *not* base64!"}
            )
        ]
    if kind is Hostile.NOT_JSON:
        return ['{"type": "response.done", ', "not json at all"]
    ids = _orphan_ids()
    return [
        _frame({"type": "response.text.delta", **ids, "delta": "."})
        for _ in range(faults.flood_count)
    ]
