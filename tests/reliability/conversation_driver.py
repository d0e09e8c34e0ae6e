"""A real app process for the reliability tests: engine + history recorder + logging.

Run as `python -m tests.reliability.conversation_driver ENDPOINT TURNS [--hang]`. It sets up
logging like the app (DEBUG, every logger; then logs the key carelessly once, as a bug
elsewhere might), saves settings with the endpoint, connects with the
key from `AZURE_VOICE_LIVE_API_KEY`, sends TURNS typed messages one after another, and prints a
JSON line for every turn the recorder has stored. With `--hang` it then sends one more message
and prints `{"mid_response": true}` once the answer has started, and waits to be killed.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import sys

from voicelive_desktop.engine import (
    AssistantAudioReceived,
    AssistantTranscriptCompleted,
    AssistantTranscriptDelta,
    ConnectionSettings,
    EngineEvent,
    ResponseFinished,
    SessionEngine,
    SessionSettings,
    UserTextSent,
    env_connection,
    key_credential,
)
from voicelive_desktop.history import HistoryRecorder, HistoryStore
from voicelive_desktop.logging_setup import setup_logging
from voicelive_desktop.settings import AppSettings, SettingsStore

QUESTIONS = (
    "What is the capital of Norway?",
    "Name a prime number above ten.",
    "How many legs does a spider have?",
    "What colour is the sky at noon?",
    "Spell the word reliability.",
)


def report(**fields: object) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


async def converse(endpoint: str, turns: int, hang: bool) -> None:
    connection = ConnectionSettings(endpoint=endpoint)
    SettingsStore().save(dataclasses.replace(AppSettings(), connection=connection))
    store = HistoryStore()
    recorder = HistoryRecorder(store, on_failure=lambda message: report(failure=message))
    engine = SessionEngine(connection, key_credential(env_connection().api_key), SessionSettings())
    finished: asyncio.Queue[ResponseFinished] = asyncio.Queue()
    started = asyncio.Event()

    def after_recorder(event: EngineEvent) -> None:
        # Subscribed after the recorder, so a turn reported here is already committed.
        if isinstance(event, UserTextSent):
            report(stored="user", text=event.text, conversation=recorder.conversation_id)
        elif isinstance(event, AssistantTranscriptCompleted):
            report(stored="assistant", text=event.text, conversation=recorder.conversation_id)
        elif isinstance(event, AssistantTranscriptDelta | AssistantAudioReceived):
            started.set()
        elif isinstance(event, ResponseFinished):
            finished.put_nowait(event)

    engine.subscribe(recorder.handle)
    engine.subscribe(after_recorder)
    await engine.start()
    for index in range(turns):
        await engine.send_text(QUESTIONS[index % len(QUESTIONS)])
        outcome = await asyncio.wait_for(finished.get(), 30)
        if outcome.status != "completed":
            report(failure=f"response {outcome.response_id} ended {outcome.status}")
    if hang:
        started.clear()
        await engine.send_text("Tell me a long story about a lighthouse keeper.")
        await asyncio.wait_for(started.wait(), 30)
        report(mid_response=True)
        await asyncio.sleep(120)  # the test kills the process here
    await engine.stop()
    recorder.flush()
    store.close()
    logging.getLogger(__name__).info("conversation driver finished cleanly")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("turns", type=int)
    parser.add_argument("--hang", action="store_true")
    args = parser.parse_args()
    setup_logging("DEBUG", console=False)
    # A mistake somewhere else (here: a third-party logger given the headers) must still
    # not put the key on disk; the logging layer is the last line of defence.
    logging.getLogger("aiohttp.client").debug(
        "request headers %s", {"api-key": env_connection().api_key}
    )
    asyncio.run(converse(args.endpoint, args.turns, args.hang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
