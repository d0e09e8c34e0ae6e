"""The simulator's pure parts: VAD turns independent of append sizes, espeak WAV parsing."""

from __future__ import annotations

import functools
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.simulator.sdk_client import espeak_pcm, silence
from voicelive_desktop.protocol import SAMPLE_RATE_HZ
from voicelive_desktop.simulator.input_turns import InputTurns, SpeechStarted, SpeechStopped
from voicelive_desktop.simulator.session_config import TurnDetection
from voicelive_desktop.simulator.speech import pcm16_from_wav, synthetic_voice

DETECTION = TurnDetection(server_side=True, silence_duration_ms=300, create_response=False)


@functools.lru_cache(maxsize=1)
def two_utterances() -> bytes:
    word = espeak_pcm("Testing, one two.")
    return silence(500) + word + silence(700) + word + silence(900)


def boundaries(chunks: list[bytes]) -> list[SpeechStarted | SpeechStopped]:
    turns = InputTurns(DETECTION)
    found: list[SpeechStarted | SpeechStopped] = []
    for chunk in chunks:
        found += turns.append(chunk)
    return found


def test_two_utterances_give_two_turns_in_order() -> None:
    found = boundaries(
        [two_utterances()[i : i + 960] for i in range(0, len(two_utterances()), 960)]
    )
    assert [type(b) for b in found] == [SpeechStarted, SpeechStopped] * 2
    starts = [b.audio_start_ms for b in found if isinstance(b, SpeechStarted)]
    ends = [b.audio_end_ms for b in found if isinstance(b, SpeechStopped)]
    assert starts[0] < ends[0] < starts[1] < ends[1]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=1, max_value=48_000), min_size=1, max_size=30))
def test_turns_do_not_depend_on_how_the_audio_is_split(sizes: list[int]) -> None:
    audio = two_utterances()
    chunks, position = [], 0
    for size in sizes:
        chunks.append(audio[position : position + size])
        position += size
    chunks.append(audio[position:])
    reference = boundaries([audio[i : i + 960] for i in range(0, len(audio), 960)])
    assert boundaries(chunks) == reference


def test_espeak_streaming_wav_is_read_to_its_end() -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    wav = subprocess.run(
        ["espeak-ng", "--stdout", "Reading the whole stream."], check=True, capture_output=True
    ).stdout
    samples, rate = pcm16_from_wav(wav)
    data_start = wav.index(b"data") + 8
    assert rate == 22_050
    assert len(samples) == (len(wav) - data_start) // 2 * 2
    assert len(samples) / 2 / rate > 1.0


def test_wav_that_is_not_mono_pcm16_is_refused() -> None:
    with pytest.raises(ValueError):
        pcm16_from_wav(b"not a wav at all")
    stereo_header = (
        b"RIFF" + (36).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
        + (1).to_bytes(2, "little") + (2).to_bytes(2, "little")
        + (SAMPLE_RATE_HZ).to_bytes(4, "little") + (SAMPLE_RATE_HZ * 4).to_bytes(4, "little")
        + (4).to_bytes(2, "little") + (16).to_bytes(2, "little") + b"data" + bytes(4)
    )  # fmt: skip
    with pytest.raises(ValueError):
        pcm16_from_wav(stereo_header)


def test_synthetic_voice_length_follows_the_text() -> None:
    short, long = synthetic_voice("one two"), synthetic_voice("one two three four five six")
    assert len(short) % 2 == 0
    assert len(long) > 2 * len(short)
