"""Capture-path benchmark: our streaming pipeline against the seed's per-chunk FFT method.

For 20 ms blocks of 48 kHz stereo float32 (what a typical microphone delivers), both paths
produce 24 kHz mono PCM16 in base64, as it goes on the wire. Printed: the cost per block of
each path in the same run, their ratio, and the SNR of a sine and of a sweep through each.
It prints figures and asserts nothing; timings depend on the machine.

    .venv/bin/python benchmarks/audio_pipeline.py [--seconds 20] [--repeats 5]
"""

from __future__ import annotations

import argparse
import base64
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from scipy import signal as scipy_signal

from voicelive_desktop import protocol
from voicelive_desktop.audio.converter import CaptureConverter
from voicelive_desktop.audio.samples import pcm16_from_scaled

IN_RATE = 48_000
OUT_RATE = protocol.SAMPLE_RATE_HZ
BLOCK = IN_RATE * protocol.FRAME_MS // 1000
Block = npt.NDArray[np.float32]
Pipeline = Callable[[Block], str]


def to_wire(pcm16: npt.NDArray[np.int16]) -> str:
    """Base64 of PCM16, as `input_audio_buffer.append` carries it (the same for both paths)."""
    return base64.b64encode(pcm16.data).decode("ascii")


def ours() -> Pipeline:
    """CaptureConverter (down-mix at PCM16 scale, soxr MQ stream), PCM16, base64."""
    converter = CaptureConverter(IN_RATE, channels=2)

    def run(block: Block) -> str:
        return to_wire(pcm16_from_scaled(converter.process(block)))

    return run


def seed() -> Pipeline:
    """The seed plugin's method: interleaved samples, pairs averaged whenever the chunk has an
    even length (also for mono input), then each chunk FFT-resampled on its own."""

    def run(block: Block) -> str:
        samples = block.reshape(-1).astype(np.float64)
        if samples.size % 2 == 0:
            samples = samples.reshape(-1, 2).mean(axis=1)
        target = round(samples.size * OUT_RATE / IN_RATE)
        resampled = scipy_signal.resample(samples, target)
        return to_wire(np.clip(resampled * 32768.0, -32768, 32767).astype(np.int16))

    return run


def sine(rate: int, seconds: float) -> npt.NDArray[np.float64]:
    t = np.arange(int(rate * seconds)) / rate
    return np.asarray(0.5 * np.sin(2 * np.pi * 997.0 * t))


def sweep(rate: int, seconds: float) -> npt.NDArray[np.float64]:
    """A logarithmic sweep from 50 Hz to 10 kHz (inside the 24 kHz output's pass band)."""
    t = np.arange(int(rate * seconds)) / rate
    return np.asarray(
        0.5 * scipy_signal.chirp(t, f0=50.0, t1=seconds, f1=10_000.0, method="logarithmic")
    )


def stereo_blocks(mono: npt.NDArray[np.float64]) -> list[Block]:
    both = np.repeat(mono.astype(np.float32)[:, np.newaxis], 2, axis=1)
    return [both[i : i + BLOCK] for i in range(0, both.shape[0] - BLOCK + 1, BLOCK)]


def run_through(make: Callable[[], Pipeline], blocks: list[Block]) -> npt.NDArray[np.float64]:
    pipeline = make()
    pcm = b"".join(base64.b64decode(pipeline(block)) for block in blocks)
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0


def snr_db(output: npt.NDArray[np.float64], ideal: npt.NDArray[np.float64]) -> float:
    """SNR over the steady part (first and last 100 ms left out: filter start-up and drain)."""
    edge = OUT_RATE // 10
    count = min(output.size, ideal.size) - edge
    reference = ideal[edge:count]
    noise = output[edge:count] - reference
    return float(10 * np.log10(np.sum(reference**2) / max(np.sum(noise**2), 1e-30)))


def time_per_block_us(pipeline: Pipeline, blocks: list[Block]) -> float:
    start = time.perf_counter()
    for block in blocks:
        pipeline(block)
    return (time.perf_counter() - start) / len(blocks) * 1e6


def costs_us(blocks: list[Block], repeats: int) -> tuple[float, float]:
    """Best of `repeats` runs per path, alternating the paths so that load from other
    processes on the machine hits both alike (the best run is the least disturbed one)."""
    ours_runs, seed_runs = [], []
    for _ in range(repeats):
        ours_runs.append(time_per_block_us(ours(), blocks))
        seed_runs.append(time_per_block_us(seed(), blocks))
    return min(ours_runs), min(seed_runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="audio per timing run")
    parser.add_argument("--repeats", type=int, default=5, help="timing runs per path (best counts)")
    args = parser.parse_args()

    timing_blocks = stereo_blocks(sine(IN_RATE, args.seconds))
    ours_us, seed_us = costs_us(timing_blocks, args.repeats)
    print(f"capture path, 20 ms block of {IN_RATE} Hz stereo -> {OUT_RATE} Hz mono PCM16 base64")
    print(f"  ours (down-mix + soxr stream): {ours_us:8.1f} us/block")
    print(f"  seed (pair average + FFT):     {seed_us:8.1f} us/block")
    print(f"  ours costs 1/{seed_us / ours_us:.2f} of the seed (target: 1/5 or less)")

    seconds = 5.0
    for name, make_signal in (("sine 997 Hz", sine), ("sweep 50 Hz-10 kHz", sweep)):
        blocks = stereo_blocks(make_signal(IN_RATE, seconds))
        ideal = make_signal(OUT_RATE, seconds)
        ours_snr = snr_db(run_through(ours, blocks), ideal)
        seed_snr = snr_db(run_through(seed, blocks), ideal)
        print(
            f"SNR {name:<19} ours {ours_snr:6.1f} dB   seed {seed_snr:6.1f} dB  (target >= 80 dB)"
        )


if __name__ == "__main__":
    main()
