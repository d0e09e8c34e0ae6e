"""Echo benchmark: every echo mode on laptop speakers, against the simulator, in one run.

Modes: off, by the service (its own output as the reference), by the service with this
computer's playback as the reference (stereo input), and on this computer (WebRTC AEC3).
The room is tests/fixtures/echo_path.py (scipy room response; `--scenario`), driven in real
time by tests/fixtures/room_client.py: the app's engine, jitter buffer and echo stage against
the in-process simulator over a real websocket. Printed:

(a) false barge-ins per minute while the assistant speaks (`--answer-seconds`, default 60)
    and the user is silent;
(b) true barge-ins: the user speaks over the assistant `--trials` times (default 20); how
    many are detected, and the median and worst time from speech onset to the assistant's
    audio stopping at the speaker;
(c) ERLE of the on-computer canceller after 2 s of convergence, per scenario (stepped time);
(d) CPU per 20 ms frame of the reference pairing and of the local canceller, and as ratios
    against the capture converter's cost for the same 20 ms, measured in the same run.

It prints figures and asserts nothing.

    .venv/bin/python benchmarks/echo.py [--answer-seconds 60] [--trials 20] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fixtures.echo_path import SCENARIOS, espeak_speech
from tests.fixtures.room_client import RoomClient
from tests.fixtures.stepped_duplex import WIRE_RATE, DeviceTiming, SteppedDuplex
from voicelive_desktop.audio.converter import CaptureConverter
from voicelive_desktop.audio.echo_reference import (
    EchoReferencePairing,
    PlaybackHistory,
)
from voicelive_desktop.audio.local_echo_canceller import LocalEchoCanceller
from voicelive_desktop.audio.mic_echo_stage import LocalCancellerStage
from voicelive_desktop.engine.session_settings import EchoCancellationMode
from voicelive_desktop.simulator import VoiceLiveSimulator

MODES = [
    EchoCancellationMode.OFF,
    EchoCancellationMode.SERVICE,
    EchoCancellationMode.SERVICE_WITH_CLIENT_REFERENCE,
    EchoCancellationMode.THIS_COMPUTER,
]
LONG_TEXT = (
    "Here is what the week looks like. Monday starts with rain in the morning and sun in the "
    "afternoon, Tuesday stays dry and mild, Wednesday brings wind from the west, and the "
    "weekend should be warm and bright everywhere."
)
ASK = "Tell me about the weather this week, in a few sentences please"
INTERRUPTION = "Wait, stop please."


async def false_barge_ins(mode: EchoCancellationMode, scenario: str, seconds: float) -> str:
    async with VoiceLiveSimulator() as sim:
        room = RoomClient(sim.endpoint, mode, SCENARIOS[scenario])
        async with room:
            # Without cancellation the assistant keeps answering its own echo and is never
            # quiet for long: stop on the tick clock too.
            while room.timeline.assistant_played_s < seconds and room.now < 3 * seconds:
                if not room.speaker.is_playing():
                    await room.engine.send_text(LONG_TEXT)
                await room.wait_for_audio(0.1)
                await room.wait_until_quiet(0.6, timeout_s=3 * seconds - room.now)
            minutes = room.timeline.assistant_played_s / 60
            count = len(room.timeline.speech_started_at)
    return f"{count / minutes:5.1f} /min ({count} in {minutes * 60:.0f} s of assistant speech)"


async def true_barge_ins(mode: EchoCancellationMode, scenario: str, trials: int) -> str:
    interruption = espeak_speech(INTERRUPTION, voice="en-us") * 0.8
    delays: list[float] = []
    detected = 0
    async with VoiceLiveSimulator() as sim:
        room = RoomClient(sim.endpoint, mode, SCENARIOS[scenario])
        async with room:
            for _ in range(trials):
                # Without cancellation it may never be quiet (it answers its own echo).
                await room.wait_until_quiet(0.4, timeout_s=5)
                if not room.speaker.is_playing():
                    await room.engine.send_text(ASK)
                if not await room.wait_for_audio(1.0):
                    continue
                onset = room.say(interruption)
                await room.wait(2.0)
                if room.speech_detected_between(onset, onset + 1.0):
                    detected += 1
                    stopped = room.silence_after(onset)
                    if stopped is not None:
                        delays.append((stopped - onset) * 1000)
                await room.engine.interrupt()  # skip the answer to the interruption
    if not delays:
        return f"{detected:2d}/{trials} detected"
    return (
        f"{detected:2d}/{trials} detected; onset -> silence median "
        f"{statistics.median(delays):4.0f} ms, worst {max(delays):4.0f} ms"
    )


def erle(scenario: str) -> float:
    """Echo-only ERLE of the local canceller after 2 s, on the stepped-time echo path."""
    speech = espeak_speech(LONG_TEXT + " " + LONG_TEXT)[: 12 * WIRE_RATE]
    history = PlaybackHistory()
    stage = LocalCancellerStage(
        EchoReferencePairing(history, follow_residual=False), LocalEchoCanceller()
    )
    duplex = SteppedDuplex(history, SCENARIOS[scenario], DeviceTiming(rate=48_000))
    energy_in = energy_out = 0.0
    for mic, captured_at in duplex.frames(speech):
        payload, _ = stage.process(mic, captured_at)
        if captured_at >= 2.0:
            out = np.frombuffer(payload, dtype="<i2").astype(np.float64)
            energy_in += float(np.dot(mic.astype(np.float64), mic))
            energy_out += float(np.dot(out, out))
    return float(10 * np.log10(energy_in / max(energy_out, 1.0)))


def cpu_per_frame(frames: int = 3000) -> str:
    """Process time per 20 ms frame: pairing, local canceller, and the capture converter."""
    speech = espeak_speech(LONG_TEXT)
    speech = np.tile(speech, frames * 480 // speech.size + 1)[: frames * 480]
    history = PlaybackHistory()
    duplex = SteppedDuplex(history, SCENARIOS["loud_speakers"], DeviceTiming(rate=48_000))
    inputs = list(duplex.frames(speech))
    pairing = EchoReferencePairing(history)
    started = time.process_time()
    references = []
    for mic, captured_at in inputs:
        reference = pairing.reference_for(captured_at).copy()
        pairing.observe(mic, reference)
        references.append(reference)
    pairing_ms = (time.process_time() - started) * 1000 / len(inputs)
    canceller = LocalEchoCanceller()
    started = time.process_time()
    for (mic, _), reference in zip(inputs, references, strict=True):
        canceller.process(mic, reference)
    canceller_ms = (time.process_time() - started) * 1000 / len(inputs)
    converter = CaptureConverter(48_000, 2)
    block = np.random.default_rng(1).standard_normal((960, 2)).astype(np.float32) * 0.1
    started = time.process_time()
    for _ in range(len(inputs)):
        converter.process(block)
    baseline_ms = (time.process_time() - started) * 1000 / len(inputs)
    return (
        f"reference pairing {pairing_ms:.3f} ms ({pairing_ms / baseline_ms:.1f}x the capture "
        f"converter), local canceller {canceller_ms:.3f} ms "
        f"({canceller_ms / baseline_ms:.1f}x); converter baseline {baseline_ms:.3f} ms"
    )


async def main(args: argparse.Namespace) -> None:
    print(f"scenario {args.scenario}: {SCENARIOS[args.scenario]}")
    print("(a) false barge-ins per minute, user silent")
    for mode in MODES:
        figure = await false_barge_ins(mode, args.scenario, args.answer_seconds)
        print(f"    {mode.value:26s} {figure}")
    print(f"(b) true barge-ins, the user speaks over the assistant {args.trials} times")
    for mode in MODES:
        print(f"    {mode.value:26s} {await true_barge_ins(mode, args.scenario, args.trials)}")
    print("(c) ERLE of the on-computer canceller after 2 s of convergence")
    for scenario in SCENARIOS:
        print(f"    {scenario:26s} {erle(scenario):5.1f} dB")
    print("(d) CPU per 20 ms frame")
    print(f"    {cpu_per_frame()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="loud_speakers")
    parser.add_argument("--answer-seconds", type=float, default=60.0)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="15 s of answer and 4 trials")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.answer_seconds, arguments.trials = 15.0, 4
    asyncio.run(main(arguments))
