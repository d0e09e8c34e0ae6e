"""Recording benchmark: what recording costs the GUI thread per 20 ms mic frame, against
encoding the same frame right there (the baseline the writer thread avoids), measured in the
same run for each format; and how long Save audio takes for ten minutes of conversation.

The recorder on the loop only builds the (frames, 2) block and queues it; TrackWriter's
thread encodes. "loop" is add_mic's time per frame (release_played included); "inline" is
soundfile writing that block on the calling thread. It prints figures and asserts nothing.

    .venv/bin/python benchmarks/recording.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from voicelive_desktop.recording import (
    ALL_FORMATS,
    ConversationRecorder,
    RecordingFormat,
    TrackLayout,
    save_recordings,
)
from voicelive_desktop.recording.files import recording_takes
from voicelive_desktop.recording.track_writer import open_for_writing

FRAME = 480  # 20 ms at 24 kHz


def loop_us_per_frame(folder: Path, audio_format: RecordingFormat, frames: list[bytes]) -> float:
    recorder = ConversationRecorder(folder / "conv-20261201-000000", audio_format)
    began = time.perf_counter()
    for frame in frames:
        recorder.add_assistant("i1", frame)
        recorder.release_played(None)
        recorder.add_mic(frame)
    spent = time.perf_counter() - began
    recorder.stop()
    return spent / len(frames) * 1e6


def inline_us_per_frame(folder: Path, audio_format: RecordingFormat, frames: list[bytes]) -> float:
    stereo = audio_format.layout is TrackLayout.STEREO
    files = [
        open_for_writing(p, audio_format.container, 2 if stereo else 1)
        for p in audio_format.files(folder / "inline")
    ]
    began = time.perf_counter()
    for frame in frames:
        samples = np.frombuffer(frame, dtype="<i2")
        block = np.column_stack((samples, samples))
        if stereo:
            files[0].write(block)
        else:
            files[0].write(block[:, 0])
            files[1].write(block[:, 1])
    spent = time.perf_counter() - began
    for file in files:
        file.close()
    return spent / len(frames) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    count = int(args.seconds * 50)
    frames = [(rng.normal(0, 3000, FRAME)).astype("<i2").tobytes() for _ in range(count)]
    print(f"{args.seconds:.0f} s of speech-level noise, {count} frames of 20 ms")
    for audio_format in ALL_FORMATS:
        with tempfile.TemporaryDirectory() as tmp:
            loop = loop_us_per_frame(Path(tmp), audio_format, frames)
            inline = inline_us_per_frame(Path(tmp), audio_format, frames)
        print(
            f"{audio_format.label:18} loop {loop:6.1f} us/frame, inline encode "
            f"{inline:6.1f} us/frame: loop/inline {loop / inline:.2f}"
        )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        long = frames * max(1, int(600 / args.seconds))  # ten minutes
        recorder = ConversationRecorder(folder / "conv-20261201-000000")
        for frame in long:
            recorder.add_mic(frame)
        recorder.stop()
        takes = recording_takes(folder, "conv")
        for audio_format in ALL_FORMATS:
            began = time.perf_counter()
            saved = save_recordings(takes, folder / "saved.wav", audio_format)
            spent = time.perf_counter() - began
            size = sum(p.stat().st_size for p in saved) / 1e6
            print(
                f"save {len(long) / 50 / 60:.0f} min as {audio_format.label:18} {spent:5.2f} s, "
                f"{size:.1f} MB"
            )


if __name__ == "__main__":
    main()
