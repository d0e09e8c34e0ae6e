"""The one-line view of a tool's output that cards, headless mode and the log show."""

from __future__ import annotations

import json

import pytest

from voicelive_desktop.engine.result_preview import result_preview


def test_a_summary_says_it_all() -> None:
    output = json.dumps({"timer_id": "timer-1", "label": "", "summary": "Timer set for 10 s."})
    assert result_preview(output) == "Timer set for 10 s."


def test_an_error_is_shown_by_its_message() -> None:
    assert result_preview('{"error": "The user denied this call."}') == (
        "The user denied this call."
    )


def test_other_objects_show_their_fields_without_json_punctuation() -> None:
    output = json.dumps(
        {"rolled": 4, "sides": 6, "history": [1, 2, 3], "empty": "", "meta": {"a": 1}}
    )
    assert result_preview(output) == "rolled: 4, sides: 6, history: 3 items, meta: {…}"


@pytest.mark.parametrize(
    ("output", "shown"),
    [
        ("plain text\nover two lines", "plain text over two lines"),
        ("[1, 2]", "[1, 2]"),
        ("", ""),
        ("{not json", "{not json"),
    ],
)
def test_anything_else_is_its_text_on_one_line(output: str, shown: str) -> None:
    assert result_preview(output) == shown


def test_long_lines_end_in_an_ellipsis_within_the_limit() -> None:
    preview = result_preview(json.dumps({"summary": "word " * 100}), limit=40)
    assert len(preview) <= 40 and preview.endswith("…")
