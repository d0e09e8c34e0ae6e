"""Live device switching: the speaker and mic move mid-answer without reconnecting."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from azure.core.credentials import AzureKeyCredential

from tests.fixtures.virtual_audio import VirtualAudio
from tests.waiting import wait_until
from voicelive_desktop import protocol
from voicelive_desktop.audio.devices import Direction, list_devices
from voicelive_desktop.audio.events import AudioDefaultFollowed, AudioDeviceEvent
from voicelive_desktop.audio.playback import SpeakerPlayback
from voicelive_desktop.audio.portaudio import reinitialise
from voicelive_desktop.audio.supervisor import StreamSupervisor
from voicelive_desktop.engine.events import (
    AssistantAudioReceived,
    EngineEvent,
    ResponseFinished,
    SessionErrorReported,
)
from voicelive_desktop.engine.session_settings import ConnectionSettings, SessionSettings
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.voice_session import VoiceSession

pytestmark = [pytest.mark.audio, pytest.mark.asyncio, pytest.mark.timeout(90)]


def _other_device(direction: Direction, current: str) -> str:
    """Another PortAudio device that also reaches the virtual sound server."""
    names = [d.name for d in list_devices(direction)]
    others = [n for n in ("pulse", "default") if n in names and n != current]
    if not others:
        pytest.skip(f"no second {direction.value} device to switch to: {names}")
    return others[0]


async def test_switching_the_speaker_mid_answer_keeps_the_session_and_the_answer(
    virtual_audio: VirtualAudio, simulator: VoiceLiveSimulator
) -> None:
    events: list[EngineEvent] = []
    session = VoiceSession(
        ConnectionSettings(endpoint=simulator.endpoint),
        AzureKeyCredential(protocol.DEMO_API_KEY),
        SessionSettings(),
    )
    session.subscribe(events.append)
    await session.start()
    try:
        before_out = session.playback.device
        before_in = session.capture.device
        assert before_out is not None and before_in is not None
        new_out = _other_device(Direction.OUTPUT, before_out.name)
        new_in = _other_device(Direction.INPUT, before_in.name)
        with virtual_audio.record_speaker() as recording:
            began = time.monotonic()
            await session.engine.send_text("Please read me something long. " * 3)
            await wait_until(lambda: any(isinstance(e, AssistantAudioReceived) for e in events))
            item_id = next(e.item_id for e in events if isinstance(e, AssistantAudioReceived))
            await wait_until(lambda: session.playback.played_ms(item_id) > 800, 10)
            played_before = session.playback.played_ms(item_id)
            switched_at = time.monotonic() - began
            session.switch_devices(new_in, new_out)
            await wait_until(lambda: session.playback.played_ms(item_id) > played_before + 800)
            await wait_until(lambda: any(isinstance(e, ResponseFinished) for e in events), 30)
            await wait_until(lambda: not session.playback.is_playing(), 30)
    finally:
        await session.stop()
    assert session.playback.device is not None and session.playback.device.name == new_out
    assert session.capture.device is not None and session.capture.device.name == new_in
    assert len(simulator.sessions) == 1, "no reconnect"
    assert not [e for e in events if isinstance(e, SessionErrorReported)]
    finished = [e for e in events if isinstance(e, ResponseFinished)]
    assert finished[0].status == "completed"
    # The answer went on, on the new device: speech on the speaker half a second later.
    rate = recording.rate
    after = recording.samples[int((switched_at + 0.3) * rate) : int((switched_at + 0.8) * rate)]
    assert after.size and float(np.sqrt(np.mean(after**2))) > 0.005


def _tone(start: int, samples: int = 480) -> bytes:
    t = (np.arange(samples) + start) / protocol.SAMPLE_RATE_HZ
    return (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2").tobytes()


async def test_the_system_default_follows_the_sound_servers_default(
    virtual_audio: VirtualAudio, tmp_path: Path
) -> None:
    """ "System default" opens PortAudio's default device, which the sound server routes to
    its default sink; when the user picks another default sink, the playing answer moves."""
    loaded = subprocess.run(
        ["pactl", "load-module", "module-null-sink", "sink_name=speaker2", "rate=48000"],
        env=virtual_audio.env,
        check=True,
        capture_output=True,
        text=True,
    )
    playback = SpeakerPlayback(lambda level: None, lambda message: None, device_name=None)
    playback.open()
    raw = tmp_path / "speaker2.raw"
    record = ["parecord", "--raw", "--device=speaker2.monitor", "--rate=48000"]
    record += ["--channels=1", "--format=float32le", str(raw)]
    recorder = subprocess.Popen(record, env=virtual_audio.env)
    try:
        sent, began, moved = 0, time.monotonic(), False
        while time.monotonic() - began < 3.0:
            while sent / protocol.SAMPLE_RATE_HZ < time.monotonic() - began + 0.2:
                playback.enqueue("answer", _tone(sent))
                sent += 480
            if not moved and time.monotonic() - began > 1.0:
                subprocess.run(
                    ["pactl", "set-default-sink", "speaker2"], env=virtual_audio.env, check=True
                )
                moved = True
            await asyncio.sleep(0.005)
    finally:
        recorder.send_signal(signal.SIGINT)
        recorder.wait(timeout=10)
        playback.close()
        subprocess.run(["pactl", "set-default-sink", "speaker"], env=virtual_audio.env)
        subprocess.run(["pactl", "unload-module", loaded.stdout.strip()], env=virtual_audio.env)
    heard = np.fromfile(raw, dtype=np.float32)
    assert heard.size > 48_000 // 2, "the new default sink got the answer"
    assert float(np.sqrt(np.mean(heard[-24_000:] ** 2))) > 0.1


async def test_the_supervisor_follows_a_new_system_default_without_dropping_the_answer(
    virtual_audio: VirtualAudio, tmp_path: Path
) -> None:
    """Where PortAudio keeps the old default (Windows, macOS), the supervisor re-initialises
    it when the platform says the default moved. Run here with the sound server's default
    sink as the platform's answer: the speaker reopens once, the queued answer goes on."""
    loaded = subprocess.run(
        ["pactl", "load-module", "module-null-sink", "sink_name=speaker2", "rate=48000"],
        env=virtual_audio.env,
        check=True,
        capture_output=True,
        text=True,
    )

    def default_sink(direction: Direction) -> str | None:
        if direction is Direction.INPUT:
            return "mic"
        done = subprocess.run(
            ["pactl", "get-default-sink"], env=virtual_audio.env, capture_output=True, text=True
        )
        return done.stdout.strip() or None

    events: list[AudioDeviceEvent] = []
    supervisor: StreamSupervisor
    playback = SpeakerPlayback(
        lambda level: None,
        lambda message: supervisor.report_failure(Direction.OUTPUT, message),
        device_name=None,
    )
    supervisor = StreamSupervisor(
        {Direction.OUTPUT: playback}, events.append, retry_s=0.2, default_probe=default_sink
    )
    playback.open()
    supervisor.start()
    raw = tmp_path / "speaker2.raw"
    record = ["parecord", "--raw", "--device=speaker2.monitor", "--rate=48000"]
    record += ["--latency-msec=200", "--channels=1", "--format=float32le", str(raw)]
    recorder = subprocess.Popen(record, env=virtual_audio.env)
    try:
        await wait_until(lambda: raw.exists() and raw.stat().st_size > 0, 10)
        sent, began, moved = 0, time.monotonic(), False
        end = began + 10.0
        while time.monotonic() < end:
            # The answer arrives faster than it plays: a second of it waits in the queue.
            while sent / protocol.SAMPLE_RATE_HZ < time.monotonic() - began + 1.0:
                playback.enqueue("answer", _tone(sent))
                sent += 480
            if not moved and time.monotonic() - began > 1.0:
                subprocess.run(
                    ["pactl", "set-default-sink", "speaker2"], env=virtual_audio.env, check=True
                )
                moved = True
            if events and end - time.monotonic() > 1.5:
                end = time.monotonic() + 1.5  # followed: play on a while, then stop
            await asyncio.sleep(0.005)
        await wait_until(lambda: not playback.is_playing(), 5)
        played_ms = playback.played_ms("answer")
    finally:
        recorder.send_signal(signal.SIGINT)
        recorder.wait(timeout=10)
        await supervisor.stop()
        playback.close()
        subprocess.run(["pactl", "set-default-sink", "speaker"], env=virtual_audio.env)
        subprocess.run(["pactl", "unload-module", loaded.stdout.strip()], env=virtual_audio.env)
        reinitialise()
    assert events == [AudioDefaultFollowed(Direction.OUTPUT, "default")]
    # The second of the answer queued at the move was played, not dropped.
    assert played_ms >= sent * 1000 // protocol.SAMPLE_RATE_HZ - 100
    heard = np.fromfile(raw, dtype=np.float32)
    assert float(np.sqrt(np.mean(heard[-24_000:] ** 2))) > 0.1, "it plays on the new default"
