"""Acceptance: `voicelive-desktop --headless --demo` holds a voice turn on the virtual devices."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from tests.audio.speech_match import loud_span_ms
from tests.fixtures.virtual_audio import RATE_HZ, VirtualAudio

pytestmark = [pytest.mark.audio, pytest.mark.timeout(120)]

REPO = Path(__file__).resolve().parents[2]


class _Cli:
    """The headless app as a child process, its stdout collected line by line."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "voicelive_desktop", "--headless", *args],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, prefix: str, seconds: float) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if line.startswith(prefix):
                    return line
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"no line starting {prefix!r}; output was:\n" + "\n".join(self.lines))

    def finish(self) -> int:
        self._reader.join(timeout=30)
        return self.process.wait(timeout=30)


def test_headless_demo_voice_turn(virtual_audio: VirtualAudio) -> None:
    wav = virtual_audio.speech_wav("Hello there. Can you hear me?", "headless.wav")
    env = {**virtual_audio.env, "PYTHONPATH": str(REPO)}
    env.pop("AZURE_VOICE_LIVE_API_KEY", None)
    cli = _Cli(env, "--demo", "--duration", "60")
    try:
        cli.wait_for("state: ready", 30)
        with virtual_audio.record_speaker() as recording:
            virtual_audio.play_into_mic(wav)
            cli.wait_for("you: (speaking)", 10)
            answer = cli.wait_for("assistant: ", 30)
            cli.wait_for("response: completed", 30)
            time.sleep(1.0)  # the answer is still playing out of the jitter buffer
        cli.process.send_signal(signal.SIGINT)
        status = cli.finish()
    finally:
        if cli.process.poll() is None:
            cli.process.kill()
            cli.process.wait()
    assert status == 0, "\n".join(cli.lines)
    assert "I heard about" in answer
    assert not [line for line in cli.lines if line.startswith("error")], cli.lines
    start, end = loud_span_ms(recording.samples, RATE_HZ)
    assert end - start > 1_000, "the spoken answer reached the speaker"
    assert np.max(np.abs(recording.samples)) > 0.05


def test_headless_without_credentials_says_what_to_do(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("AZURE_VOICE_LIVE_API_KEY", "AZURE_VOICE_LIVE_ENDPOINT")
    }
    env.update(
        HOME=str(tmp_path),
        PYTHONPATH=str(REPO),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    result = subprocess.run(
        [sys.executable, "-m", "voicelive_desktop", "--headless", "--duration", "1"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "No Voice Live endpoint" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_headless_with_an_unreachable_endpoint_exits_3(virtual_audio: VirtualAudio) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    env = {
        **virtual_audio.env,
        "PYTHONPATH": str(REPO),
        "AZURE_VOICE_LIVE_API_KEY": "not-a-real-key",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "voicelive_desktop",
            "--headless",
            "--endpoint",
            f"http://127.0.0.1:{closed_port}",
            "--duration",
            "5",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3, result.stdout
    assert "could not start:" in result.stdout
    assert "not-a-real-key" not in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_headless_demo_say_speaks_the_answer_and_exits(virtual_audio: VirtualAudio) -> None:
    env = {**virtual_audio.env, "PYTHONPATH": str(REPO)}
    with virtual_audio.record_speaker() as recording:
        result = subprocess.run(
            [sys.executable, "-m", "voicelive_desktop", "--headless", "--demo", "--say", "hello"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
    assert result.returncode == 0, result.stdout
    assert "assistant: You typed: hello." in result.stdout
    assert result.stdout.rstrip().endswith("state: disconnected")
    start, end = loud_span_ms(recording.samples, RATE_HZ)
    assert end - start > 1_000, "the whole answer was played before exiting"
