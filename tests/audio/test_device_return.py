"""A chosen speaker that goes away mid-session and comes back: the default stands in, then the
app moves back to the chosen one by itself, on the real (virtual) sound system."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.fixtures.virtual_audio import VirtualAudio
from tests.waiting import wait_until
from voicelive_desktop import protocol
from voicelive_desktop.audio.devices import Direction, list_devices
from voicelive_desktop.audio.events import AudioDeviceEvent, AudioDeviceLost, AudioDeviceRestored
from voicelive_desktop.audio.playback import SpeakerPlayback
from voicelive_desktop.audio.portaudio import reinitialise
from voicelive_desktop.audio.supervisor import StreamSupervisor

pytestmark = [pytest.mark.audio, pytest.mark.asyncio, pytest.mark.timeout(60)]

CHOSEN = "chosen_speaker"  # the ALSA name the user picked, for the PulseAudio sink below
SINK = "headset"


@pytest.fixture
def chosen_speaker(
    virtual_audio: VirtualAudio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A named speaker, as a USB headset would be: an ALSA device for PulseAudio's sink
    `headset` (PortAudio lists ALSA devices; ~/.asoundrc names this one)."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".asoundrc").write_text(
        f'pcm.{CHOSEN} {{ type pulse; device "{SINK}" }}\nctl.{CHOSEN} {{ type pulse }}\n'
    )
    monkeypatch.setenv("HOME", str(home))
    reinitialise()
    if CHOSEN not in [d.name for d in list_devices(Direction.OUTPUT)]:
        pytest.skip("ALSA did not pick up the named device")
    yield
    monkeypatch.undo()
    reinitialise()


def _load_sink(audio: VirtualAudio) -> str:
    loaded = subprocess.run(
        ["pactl", "load-module", "module-null-sink", f"sink_name={SINK}", "rate=48000"],
        env=audio.env,
        check=True,
        capture_output=True,
        text=True,
    )
    return loaded.stdout.strip()


def _unload(audio: VirtualAudio, module: str) -> None:
    subprocess.run(["pactl", "unload-module", module], env=audio.env, check=True)


def _tone(start: int, samples: int = 480) -> bytes:
    t = (np.arange(samples) + start) / protocol.SAMPLE_RATE_HZ
    return (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2").tobytes()


async def _answer(
    playback: SpeakerPlayback,
    item: str,
    seconds: float,
    during: Callable[[], None] | None = None,
) -> None:
    """Play `seconds` of tone as an answer arriving in real time; `during` runs halfway."""
    sent, began = 0, time.monotonic()
    while sent < seconds * protocol.SAMPLE_RATE_HZ:
        while sent / protocol.SAMPLE_RATE_HZ < time.monotonic() - began + 0.2:
            playback.enqueue(item, _tone(sent))
            sent += 480
        if during is not None and time.monotonic() - began > seconds / 2:
            during()
            during = None
        await asyncio.sleep(0.005)
    await wait_until(lambda: not playback.is_playing(), 5)


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0


@pytest.mark.allow_log_warnings(
    r"playback: restarting the speaker",
    r"audio\.supervisor: audio device lost",
)
async def test_a_chosen_speaker_that_goes_and_comes_back_is_used_again(
    virtual_audio: VirtualAudio, chosen_speaker: None, tmp_path: Path
) -> None:
    module = _load_sink(virtual_audio)
    events: list[AudioDeviceEvent] = []
    supervisor: StreamSupervisor
    playback = SpeakerPlayback(
        lambda level: None,
        lambda message: supervisor.report_failure(Direction.OUTPUT, message),
        device_name=CHOSEN,
    )
    supervisor = StreamSupervisor(
        {Direction.OUTPUT: playback},
        events.append,
        retry_s=0.3,
        may_interrupt=lambda: not playback.is_playing(),
    )
    playback.open()
    supervisor.start()
    raw = tmp_path / "headset.raw"
    recorder: subprocess.Popen[bytes] | None = None
    try:
        assert playback.device is not None and playback.device.name == CHOSEN
        with virtual_audio.record_speaker() as default_speaker:
            # The headset is unplugged mid-answer: the answer goes on on the default.
            await _answer(playback, "one", 1.6, during=lambda: _unload(virtual_audio, module))
            unplugged_at = time.monotonic()
            await asyncio.sleep(1.5)  # the speaker rests between answers
            # The next answer finds the headset gone: the default stands in.
            await _answer(playback, "two", 1.6)
            two_ended = time.monotonic()
        assert playback.fell_back and playback.device is not None
        assert playback.device.name != CHOSEN
        lost = [e for e in events if isinstance(e, AudioDeviceLost)]
        assert lost and lost[0].message == f"The speaker {CHOSEN!r} stopped working."
        heard = default_speaker.samples
        rate = default_speaker.rate
        # Both answers reached the default speaker once the headset was gone (the sound
        # server moved the first, the app opened the default for the second).
        recorded_s = heard.size / rate
        second = heard[int((recorded_s - (two_ended - unplugged_at) + 1.5) * rate) :]
        assert _rms(second) > 0.05, "the second answer played on the default"

        # Plugged in again, same name: the app goes back to it by itself, between answers.
        module = _load_sink(virtual_audio)
        await wait_until(lambda: not playback.fell_back, 10, "back on the chosen speaker")
        assert playback.device is not None and playback.device.name == CHOSEN
        assert AudioDeviceRestored(Direction.OUTPUT, CHOSEN) in events
        record = ["parecord", "--raw", f"--device={SINK}.monitor", "--rate=48000"]
        record += ["--latency-msec=200", "--channels=1", "--format=float32le", str(raw)]
        recorder = subprocess.Popen(record, env=virtual_audio.env)
        await wait_until(lambda: raw.exists() and raw.stat().st_size > 0, 10)
        await _answer(playback, "three", 1.6)
    finally:
        if recorder is not None:
            recorder.send_signal(signal.SIGINT)
            recorder.wait(timeout=10)
        await supervisor.stop()
        playback.close()
        subprocess.run(["pactl", "unload-module", module], env=virtual_audio.env)
    on_headset = np.fromfile(raw, dtype=np.float32)
    assert _rms(on_headset) > 0.05, "the third answer played on the chosen speaker"
