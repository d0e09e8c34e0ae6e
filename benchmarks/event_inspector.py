"""Event inspector benchmark: what the tap adds per websocket message, against what the SDK
itself spends parsing that message, measured in the same run.

Three figures per message kind, each a ratio to the SDK's parse (json.loads plus
ServerEvent._deserialize, which every received message costs anyway):
  tap     - EventLog.record on a full ring buffer (eviction included): paid always;
  listing - the type parse the open inspector does once per row: paid only while it is open;
  detail  - the elided, redacted JSON of a selected row: paid once per click.
It also prints the memory the default bounds allow. It prints figures and asserts nothing.

    .venv/bin/python benchmarks/event_inspector.py [--rounds 20000]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import time
from collections.abc import Callable
from functools import partial

from azure.ai.voicelive.models import ServerEvent

from voicelive_desktop.engine.event_log import SERVER, EventLog, LoggedEvent, readable_json


def per_call_us(action: Callable[[], object], rounds: int) -> float:
    began = time.perf_counter()
    for _ in range(rounds):
        action()
    return (time.perf_counter() - began) / rounds * 1e6


def sdk_parse(raw: str) -> ServerEvent:
    """What the SDK's connection does with every frame it receives."""
    # The SDK's polymorphic model factory carries no annotations (azure's model_base).
    event: ServerEvent = ServerEvent._deserialize(json.loads(raw), [])  # type: ignore[no-untyped-call]
    return event


def listed_type(raw: str) -> str:
    """The type the open inspector parses for a row of its listing."""
    return LoggedEvent(0, 0.0, SERVER, raw).type


def messages() -> dict[str, str]:
    audio = base64.b64encode(os.urandom(4800)).decode()  # 100 ms of 24 kHz PCM16
    ids = {"response_id": "resp_1", "item_id": "item_1", "output_index": 0, "content_index": 0}
    return {
        "response.audio.delta (100 ms)": json.dumps(
            {"type": "response.audio.delta", "event_id": "e1", **ids, "delta": audio}
        ),
        "response.audio_transcript.delta": json.dumps(
            {"type": "response.audio_transcript.delta", "event_id": "e2", **ids, "delta": " word"}
        ),
        "response.audio_timestamp.delta": json.dumps(
            {
                "type": "response.audio_timestamp.delta",
                "event_id": "e3",
                **ids,
                "audio_offset_ms": 490,
                "audio_duration_ms": 387,
                "text": "end",
                "timestamp_type": "word",
            }
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20000)
    args = parser.parse_args()
    rounds = args.rounds
    print(f"{'message':34} {'SDK parse':>10} {'tap':>14} {'listing':>16} {'detail':>16}")
    for name, raw in messages().items():
        sdk_us = per_call_us(partial(sdk_parse, raw), rounds)
        log = EventLog()
        for _ in range(log.max_events):  # full: every record also evicts the oldest
            log.record(SERVER, raw)
        tap_us = per_call_us(partial(log.record, SERVER, raw), rounds)
        listing_us = per_call_us(partial(listed_type, raw), rounds)
        detail_us = per_call_us(partial(readable_json, raw), max(1, rounds // 10))
        print(
            f"{name:34} {sdk_us:8.2f}us"
            f" {tap_us:6.2f}us {tap_us / sdk_us:5.1%}"
            f" {listing_us:7.2f}us {listing_us / sdk_us:6.1%}"
            f" {detail_us:7.2f}us {detail_us / sdk_us:6.1f}x"
        )
    log = EventLog()
    print(
        f"bounds: {log.max_events:,} messages or {log.max_chars / 1e6:.0f} MB of JSON text,"
        " whichever comes first"
    )


if __name__ == "__main__":
    main()
