"""The demo's reply text reads as a sentence whatever the user typed."""

from __future__ import annotations

import pytest

from voicelive_desktop.simulator.replies import reply_to_text


@pytest.mark.parametrize(
    ("typed", "opening"),
    [
        ("hello", "You typed: hello. This"),
        ("What can you do?", "You typed: What can you do? This"),
        ("Stop!", "You typed: Stop! This"),
        ("Done.", "You typed: Done. This"),
        ("  spaced   out  ", "You typed: spaced out. This"),
    ],
)
def test_the_echo_ends_with_exactly_one_sentence_mark(typed: str, opening: str) -> None:
    assert reply_to_text(typed).startswith(opening)
