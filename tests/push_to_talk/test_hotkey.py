"""Hotkey texts, chord de-bouncing, session turn detection and the earcon tones."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from voicelive_desktop.engine.session_settings import TurnDetectionMode
from voicelive_desktop.push_to_talk import session_for
from voicelive_desktop.push_to_talk.earcon import Earcon, earcon_pcm16
from voicelive_desktop.push_to_talk.global_hotkey import WAYLAND_MESSAGE, global_hotkey_blocker
from voicelive_desktop.push_to_talk.hotkey import HotkeyChord, InvalidHotkey, parse_hotkey
from voicelive_desktop.settings import AppSettings, PushToTalkSettings


def test_parse_hotkey_names_and_sided_modifiers() -> None:
    assert parse_hotkey("<ctrl>+<alt>+<space>") == {"ctrl", "alt", "space"}
    assert parse_hotkey(" <F9> ") == {"f9"}
    assert parse_hotkey("<ctrl_l>+K") == {"ctrl", "k"}


@pytest.mark.parametrize("text", ["", "ctrl+space", "<ctrl>+", "<>"])
def test_parse_hotkey_rejects_bad_text_with_a_message(text: str) -> None:
    with pytest.raises(InvalidHotkey, match="hotkey"):
        parse_hotkey(text)


def test_parse_hotkey_checks_key_names_when_given() -> None:
    with pytest.raises(InvalidHotkey, match="unknown key <hyper9>"):
        parse_hotkey("<ctrl>+<hyper9>", frozenset({"ctrl", "space"}))


def test_chord_fires_once_per_hold_despite_repeats() -> None:
    events: list[str] = []
    chord = HotkeyChord(
        parse_hotkey("<ctrl>+<alt>+<space>"),
        lambda: events.append("down"),
        lambda: events.append("up"),
    )
    chord.key_pressed("ctrl_l")
    chord.key_pressed("alt_l")
    for _ in range(14):
        chord.key_pressed("space")
    chord.key_released("space")
    chord.key_pressed("space")  # a second hold while the modifiers stay down
    chord.key_released("alt_l")
    chord.key_released("space")
    chord.key_released("ctrl_l")
    assert events == ["down", "up", "down", "up"]


def test_chord_needs_every_key() -> None:
    events: list[str] = []
    chord = HotkeyChord(
        frozenset({"ctrl", "space"}), lambda: events.append("down"), lambda: events.append("up")
    )
    chord.key_pressed("space")
    chord.key_released("space")
    assert events == []


def test_blocker_on_wayland_and_without_display() -> None:
    assert global_hotkey_blocker({"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}, "linux") == (
        WAYLAND_MESSAGE
    )
    assert global_hotkey_blocker({"WAYLAND_DISPLAY": "wayland-0"}, "linux") == WAYLAND_MESSAGE
    assert "no X display" in (global_hotkey_blocker({}, "linux") or "")
    assert global_hotkey_blocker({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, "linux") is None
    assert global_hotkey_blocker({}, "win32") is None


def test_push_to_talk_turns_vad_off_and_hands_free_restores_it() -> None:
    hands_free = AppSettings()
    on = dataclasses.replace(hands_free, push_to_talk=PushToTalkSettings(enabled=True))
    assert session_for(on).turn_detection.mode is TurnDetectionMode.NONE
    assert session_for(on).turn_detection.threshold == hands_free.session.turn_detection.threshold
    assert session_for(hands_free) == hands_free.session
    assert session_for(hands_free).turn_detection.mode is TurnDetectionMode.SERVER_VAD


def test_earcons_are_short_quiet_click_free_and_distinct() -> None:
    start = np.frombuffer(earcon_pcm16(Earcon.START), "<i2").astype(np.float64)
    stop = np.frombuffer(earcon_pcm16(Earcon.STOP), "<i2").astype(np.float64)
    assert len(start) == len(stop) and 0.05 <= len(start) / 24_000 <= 0.15
    assert 0.1 < np.max(np.abs(start)) / 32768 < 0.3
    assert abs(start[0]) < 50 and abs(start[-1]) < 50  # faded: no click
    # Rising then falling: the first half of START is the lower note.
    spectrum = np.abs(np.fft.rfft(start[: len(start) // 2]))
    assert np.argmax(spectrum) * 24_000 / (len(start) // 2) == pytest.approx(660, abs=30)
    assert not np.array_equal(start, stop)
