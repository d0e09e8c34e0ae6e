"""Device-switch benchmark: the audio gap when the speaker moves to another device mid-answer.

On a private PulseAudio daemon (tests/fixtures/virtual_audio.py), SpeakerPlayback plays a
steady tone, as it would an answer, while the output switches between two PortAudio devices
that both reach the virtual speaker. The speaker's monitor is recorded and the longest
silence around each switch is measured. Printed, for the same run and machine:
- live switch (`open(keep_queued=True)`, what a device change in Preferences does now);
- reopen (`close()` then `open()`, what a reconnect used to do: queue dropped, full warm-up);
- no switch at all (the recording's own jitter), the floor both are measured against.
It also times how the resting speaker resumes for the next answer: a new stream like the
rested one (what SpeakerPlayback does, since restarting a stopped ALSA stream whose device went
away deadlocks PortAudio) against restarting the stopped stream, the baseline.
It prints figures and asserts nothing; timings depend on the machine and its load.

    .venv/bin/python benchmarks/device_switch.py [--switches 6]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fixtures.virtual_audio import VirtualAudio
from voicelive_desktop import protocol
from voicelive_desktop.audio.devices import Direction, list_devices
from voicelive_desktop.audio.playback import SpeakerPlayback
from voicelive_desktop.audio.portaudio import reinitialise

TONE_HZ = 440.0
CHUNK_MS = 20
WINDOW_MS = 5
SILENT_RMS = 0.01
SETTLE_S = 1.0


def tone_chunk(start_sample: int) -> bytes:
    n = protocol.SAMPLE_RATE_HZ * CHUNK_MS // 1000
    t = (np.arange(n) + start_sample) / protocol.SAMPLE_RATE_HZ
    return (0.3 * np.sin(2 * np.pi * TONE_HZ * t) * 32767).astype("<i2").tobytes()


def longest_silence_ms(samples: np.ndarray, rate: int, start_s: float, end_s: float) -> float:
    """Longest run of 5 ms windows below SILENT_RMS between `start_s` and `end_s`."""
    window = rate * WINDOW_MS // 1000
    part = samples[int(start_s * rate) : int(end_s * rate)]
    usable = part[: len(part) // window * window].reshape(-1, window)
    silent = np.sqrt((usable**2).mean(axis=1)) < SILENT_RMS
    longest = run = 0
    for quiet in silent:
        run = run + 1 if quiet else 0
        longest = max(longest, run)
    return float(longest * WINDOW_MS)


async def play_and_switch(
    playback: SpeakerPlayback, names: list[str], switches: int, mode: str
) -> list[float]:
    """Feed the tone for the whole run; switch every 1.5 s; returns switch times (monotonic)."""
    loop_start = time.monotonic()
    sent = 0
    moments: list[float] = []
    next_switch = loop_start + SETTLE_S
    while len(moments) < switches or time.monotonic() < moments[-1] + SETTLE_S:
        # Keep ~200 ms queued ahead, like a streaming answer.
        while sent / protocol.SAMPLE_RATE_HZ < time.monotonic() - loop_start + 0.2:
            playback.enqueue("answer", tone_chunk(sent))
            sent += protocol.SAMPLE_RATE_HZ * CHUNK_MS // 1000
        if len(moments) < switches and time.monotonic() >= next_switch:
            moments.append(time.monotonic())
            if mode != "none":
                playback.device_name = names[len(moments) % len(names)]
                if mode == "live":
                    playback.open(keep_queued=True)
                else:
                    playback.close()
                    playback.open()
            next_switch = time.monotonic() + 1.5
        await asyncio.sleep(0.005)
    return moments


async def measure(audio: VirtualAudio, names: list[str], switches: int, mode: str) -> list[float]:
    playback = SpeakerPlayback(lambda level: None, lambda message: None, device_name=names[0])
    playback.open()
    try:
        with audio.record_speaker() as recording:
            began = time.monotonic()
            moments = await play_and_switch(playback, names, switches, mode)
    finally:
        playback.close()
    # The recording starts at `began` (parecord was already flowing), within its latency.
    return [
        longest_silence_ms(recording.samples, recording.rate, m - began - 0.1, m - began + 0.9)
        for m in moments
    ]


def resume_costs(device: str, rounds: int = 10) -> tuple[float, float]:
    """Median ms to resume a stopped speaker: restart it, or open a new one like it."""
    import sounddevice as sd

    def new_stream() -> sd.OutputStream:
        return sd.OutputStream(
            device=device,
            samplerate=48_000,
            channels=1,
            dtype="float32",
            blocksize=480,
            latency="low",
            callback=lambda out, frames, when, status: out.fill(0),
        )

    restart, renew = [], []
    stream = new_stream()
    stream.start()
    for _ in range(rounds):
        stream.stop()
        time.sleep(0.1)
        began = time.perf_counter()
        stream.start()
        restart.append(time.perf_counter() - began)
        time.sleep(0.1)
        stream.stop()
        time.sleep(0.1)
        began = time.perf_counter()
        stream.close()
        stream = new_stream()
        stream.start()
        renew.append(time.perf_counter() - began)
        time.sleep(0.1)
    stream.close()
    return statistics.median(restart) * 1000, statistics.median(renew) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--switches", type=int, default=6)
    args = parser.parse_args()
    audio = VirtualAudio.in_new_directory("voicelive-bench-switch-")
    audio.start()
    os.environ["PULSE_SERVER"] = audio.server
    try:
        reinitialise()
        names = [d.name for d in list_devices(Direction.OUTPUT)]
        pair: list[str] = [n for n in ("pulse", "default") if n in names] or names[:2]
        if len(pair) < 2:
            print(f"need two output devices, found {names}")
            return
        print(f"switching between {pair[0]!r} and {pair[1]!r}, {args.switches} times each way")
        results = {
            mode: asyncio.run(measure(audio, pair, args.switches, mode))
            for mode in ("none", "live", "reopen")
        }
        restart_ms, renew_ms = resume_costs(pair[0])
    finally:
        audio.stop()
    floor = statistics.median(results["none"])
    for mode, label in (
        ("none", "no switch (floor)"),
        ("live", "live switch"),
        ("reopen", "close + reopen"),
    ):
        gaps = results[mode]
        print(
            f"{label:>18}: median gap {statistics.median(gaps):6.1f} ms, worst {max(gaps):6.1f} ms"
        )
    live, reopen = statistics.median(results["live"]), statistics.median(results["reopen"])
    print(f"live switch / reopen gap: {live / reopen:.2f}" if reopen else "reopen gap: 0 ms")
    print(f"live switch gap above the floor: {live - floor:.1f} ms")
    print(
        f"resuming the resting speaker: new stream {renew_ms:.1f} ms vs restart "
        f"{restart_ms:.1f} ms (baseline): ×{renew_ms / restart_ms:.1f}, "
        f"+{renew_ms - restart_ms:.1f} ms"
    )


if __name__ == "__main__":
    main()
