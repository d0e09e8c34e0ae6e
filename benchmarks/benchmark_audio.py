"""Clocks for `benchmarks/app_cpu.py`: when a virtual device carried sound, and when the
simulator said what.

Both use `time.monotonic()`, which is one clock for every process on the machine, so a
sample heard at the speaker and an event the simulator sent can be subtracted.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
import time
from types import TracebackType
from typing import Any

import numpy as np

# -50 dBFS: well above the digital silence of the virtual devices, below any speech.
LOUD = 0.003


class MonitorRecorder:
    """Records one PulseAudio monitor (24 kHz mono PCM16 through `pacat`) and knows when each
    sample passed through the device.

    Chunks arrive late by a varying amount, never early; so the earliest `arrival - samples
    so far / rate` over the recording is the best estimate of when its first sample played,
    and every later sample is that plus its index over the rate.
    """

    def __init__(self, env: dict[str, str], device: str, rate: int = 24_000) -> None:
        self.rate = rate
        self._command = [
            "pacat",
            "--record",
            "--raw",
            "--format=s16le",
            f"--rate={rate}",
            "--channels=1",
            "--latency-msec=10",
            f"--device={device}",
        ]
        self._env = env
        self._chunks: list[np.ndarray] = []
        self._count = 0
        self._start = float("inf")
        self._last_arrival = 0.0
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> MonitorRecorder:
        self._process = subprocess.Popen(
            self._command, env=self._env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while self._count == 0:
            if time.monotonic() > deadline:
                raise RuntimeError("pacat did not start recording")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        pipe = self._process.stdout.fileno()
        odd = b""
        while True:
            data = os.read(pipe, 4800)
            arrival = time.monotonic()
            if not data:
                return
            data, odd = odd + data, b""
            if len(data) % 2:
                data, odd = data[:-1], data[-1:]
            samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
            with self._lock:
                self._chunks.append(samples)
                self._count += samples.size
                self._start = min(self._start, arrival - self._count / self.rate)
                self._last_arrival = arrival

    def _samples(self) -> np.ndarray:
        with self._lock:
            joined = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.float32)
            self._chunks = [joined]
            return joined

    def _index(self, at: float) -> int:
        return max(0, int((at - self._start) * self.rate))

    def _time(self, index: int) -> float:
        return self._start + index / self.rate

    def quiet_for(self, seconds: float) -> bool:
        """True when the latest `seconds` of the device were silent (looks at the newest
        chunks only: polled while clients run, it must not copy the whole recording)."""
        wanted = int(seconds * self.rate)
        with self._lock:
            tail: list[np.ndarray] = []
            for chunk in reversed(self._chunks):
                tail.append(chunk[-wanted:])
                wanted -= tail[-1].size
                if wanted <= 0:
                    break
        return wanted <= 0 and not any(np.any(np.abs(chunk) > LOUD) for chunk in tail)

    def last_loud(self, start: float, end: float) -> float:
        """When the last sound between `start` and `end` ended (ValueError if none)."""
        window = self._samples()[self._index(start) : self._index(end)]
        loud = np.flatnonzero(np.abs(window) > LOUD)
        if loud.size == 0:
            raise ValueError("no sound in the recording where it was expected")
        return self._time(self._index(start) + int(loud[-1]) + 1)

    def first_loud(self, after: float) -> float:
        """When the first sound after `after` began (ValueError if none)."""
        first = self._index(after)
        loud = np.flatnonzero(np.abs(self._samples()[first:]) > LOUD)
        if loud.size == 0:
            raise ValueError("no sound in the recording where it was expected")
        return self._time(first + int(loud[0]))


class SimulatorThread:
    """The simulator on its own event loop thread, with a send time for every server event."""

    def __init__(self) -> None:
        from voicelive_desktop.simulator import VoiceLiveSimulator

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.simulator = VoiceLiveSimulator()
        self._stamps: list[tuple[float, int, str]] = []
        self._lock = threading.Lock()
        record_sent = self.simulator.recorder.record_sent

        def stamped(connection: int, payload: dict[str, Any]) -> None:
            with self._lock:
                self._stamps.append((time.monotonic(), connection, str(payload.get("type"))))
            record_sent(connection, payload)

        self.simulator.recorder.record_sent = stamped  # type: ignore[method-assign]
        self._call(self.simulator.__aenter__())

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    @property
    def endpoint(self) -> str:
        return self.simulator.endpoint

    def latest_connection(self) -> int:
        with self._lock:
            return max(connection for _, connection, _ in self._stamps)

    def count(self, connection: int, kind: str) -> int:
        with self._lock:
            return sum(1 for _, c, k in self._stamps if c == connection and k == kind)

    def first_after(self, connection: int, kind: str, after: float) -> float:
        """When the simulator first sent `kind` on `connection` after `after` (ValueError)."""
        with self._lock:
            for stamp, c, k in self._stamps:
                if c == connection and k == kind and stamp > after:
                    return stamp
        raise ValueError(f"the simulator sent no {kind} after the speech")

    def close(self, exc: tuple[Any, Any, TracebackType | None] = (None, None, None)) -> None:
        self._call(self.simulator.__aexit__(*exc))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
