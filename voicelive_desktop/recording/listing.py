"""How a conversation's recordings read in a list: each file with its format and length."""

from __future__ import annotations

import soundfile

from voicelive_desktop.recording.files import Take


def describe_takes(takes: list[Take]) -> str:
    """ "Audio: a.flac (FLAC, stereo, 12.3 s), …", or that there is none."""
    if not takes:
        return "No audio recorded."
    parts = []
    for take in takes:
        label = take.audio_format.label
        for path in take.files:
            try:
                seconds = f", {soundfile.info(str(path)).duration:.1f} s"
            except (soundfile.LibsndfileError, RuntimeError):
                seconds = ", unreadable"
            parts.append(f"{path.name} ({label}{seconds})")
    return "Audio: " + ", ".join(parts)
