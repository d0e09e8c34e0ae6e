"""The baseline client of `benchmarks/app_cpu.py`: a console voice assistant working the way the
SDK's sample `basic_voice_assistant_async.py` (azure-ai-voicelive 1.3.1) does.

    python benchmarks/baseline_client.py --endpoint URL

Like the sample it captures with blocking 1024-frame reads of 24 kHz mono PCM16 on a capture
thread, base64-encodes each block and hands it to a send thread that schedules one
`input_audio_buffer.append` per block on the event loop; audio deltas go into a queue that a
playback thread writes to a blocking output stream. On `speech_started` it stops playback
and cancels the response; on `speech_stopped` it reopens playback. Server VAD as the sample
configures it (threshold 0.5, 300 ms prefix, 500 ms silence).

One difference: the sample uses PyAudio, this uses sounddevice's blocking raw streams. Both
are thin wrappers of the same PortAudio calls (Pa_ReadStream / Pa_WriteStream), and the app
uses sounddevice, so the audio library is not what the comparison measures.

Prints `READY` once capture runs; on SIGTERM prints one JSON line with its underrun count
(blocking writes that reported an output underflow while a reply was streaming).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import queue
import signal
import sys
import threading
import time
from typing import Any

import sounddevice as sd
from azure.ai.voicelive.aio import VoiceLiveConnection, connect
from azure.ai.voicelive.models import (
    AzureStandardVoice,
    InputAudioFormat,
    Modality,
    OutputAudioFormat,
    RequestSession,
    ServerEventResponseAudioDelta,
    ServerEventType,
    ServerVad,
)
from azure.core.credentials import AzureKeyCredential

from voicelive_desktop.protocol import DEMO_API_KEY

RATE = 24_000
CHUNK = 1024


class SampleAudio:
    """Capture, send and playback threads around blocking PortAudio streams, as the sample's
    AudioProcessor."""

    def __init__(self, connection: VoiceLiveConnection, loop: asyncio.AbstractEventLoop) -> None:
        self.connection = connection
        self.loop = loop
        self.capturing = False
        self.playing = False
        self.send_queue: queue.Queue[str] = queue.Queue()
        self.play_queue: queue.Queue[bytes] = queue.Queue()
        self.input: Any = None
        self.output: Any = None
        self.threads: list[threading.Thread] = []
        self.playback_thread: threading.Thread | None = None
        self.underruns = 0
        self._last_write_end = 0.0

    def start_capture(self) -> None:
        if self.capturing:
            return
        self.capturing = True
        self.input = sd.RawInputStream(samplerate=RATE, channels=1, dtype="int16", blocksize=CHUNK)
        self.input.start()
        for target in (self._capture, self._send):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)

    def _capture(self) -> None:
        while self.capturing:
            data, _overflowed = self.input.read(CHUNK)
            self.send_queue.put(base64.b64encode(bytes(data)).decode("utf-8"))

    def _send(self) -> None:
        while self.capturing:
            try:
                audio = self.send_queue.get(timeout=0.1)
            except queue.Empty:
                continue
            asyncio.run_coroutine_threadsafe(
                self.connection.input_audio_buffer.append(audio=audio), self.loop
            )

    def start_playback(self) -> None:
        if self.playing:
            return
        self.playing = True
        self.output = sd.RawOutputStream(
            samplerate=RATE, channels=1, dtype="int16", blocksize=CHUNK
        )
        self.output.start()
        self.playback_thread = threading.Thread(target=self._play, daemon=True)
        self.playback_thread.start()

    def _play(self) -> None:
        while self.playing:
            try:
                audio = self.play_queue.get(timeout=0.1)
            except queue.Empty:
                continue
            if not self.playing:
                break
            started = time.monotonic()
            underflowed = self.output.write(audio)
            # An underflow right after an idle gap is the stream starting again, not a
            # dropout in the middle of a reply.
            if underflowed and started - self._last_write_end < 0.05:
                self.underruns += 1
            self._last_write_end = time.monotonic()

    def stop_playback(self) -> None:
        if not self.playing:
            return
        self.playing = False
        with contextlib.suppress(queue.Empty):
            while True:
                self.play_queue.get_nowait()
        if self.output is not None:
            self.output.abort()
            self.output.close()
            self.output = None
        if self.playback_thread is not None:
            self.playback_thread.join(timeout=1.0)

    def close(self) -> None:
        self.capturing = False
        for thread in self.threads:
            thread.join(timeout=1.0)
        if self.input is not None:
            self.input.abort()
            self.input.close()
        self.stop_playback()


async def converse(endpoint: str, stop: asyncio.Event) -> int:
    async with connect(
        endpoint=endpoint,
        credential=AzureKeyCredential(DEMO_API_KEY),
        model="gpt-realtime",
    ) as connection:
        audio = SampleAudio(connection, asyncio.get_running_loop())
        await connection.session.update(
            session=RequestSession(
                modalities=[Modality.TEXT, Modality.AUDIO],
                instructions="You are a helpful assistant.",
                # The sample's branch for Azure voice names (anything with a "-").
                voice=AzureStandardVoice(name="en-US-Ava:DragonHDLatestNeural"),
                input_audio_format=InputAudioFormat.PCM16,
                output_audio_format=OutputAudioFormat.PCM16,
                turn_detection=ServerVad(
                    threshold=0.5, prefix_padding_ms=300, silence_duration_ms=500
                ),
            )
        )
        audio.start_playback()

        async def handle_events() -> None:
            async for event in connection:
                if event.type == ServerEventType.SESSION_UPDATED:
                    audio.start_capture()
                    print("READY", flush=True)
                elif event.type == ServerEventType.INPUT_AUDIO_BUFFER_SPEECH_STARTED:
                    audio.stop_playback()
                    with contextlib.suppress(Exception):
                        await connection.response.cancel()
                elif event.type == ServerEventType.INPUT_AUDIO_BUFFER_SPEECH_STOPPED:
                    audio.start_playback()
                elif isinstance(event, ServerEventResponseAudioDelta) and audio.playing:
                    audio.play_queue.put(event.delta)

        events = asyncio.ensure_future(handle_events())
        await stop.wait()
        events.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await events
        audio.close()
        return audio.underruns


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    options = parser.parse_args()

    async def run() -> int:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        return await converse(options.endpoint, stop)

    underruns = asyncio.run(run())
    print(json.dumps({"underruns": underruns}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
