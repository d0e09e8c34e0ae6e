"""History export: Markdown and JSON documents written from a stored conversation."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from voicelive_desktop.engine.usage import TokenCounts
from voicelive_desktop.history import HistoryStore, Turn, export_conversation
from voicelive_desktop.history.turn_usage import TurnUsage

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def stored(tmp_path: Path):  # type: ignore[no-untyped-def]
    with HistoryStore(tmp_path / "history.sqlite3") as store:
        store.record_turn(
            "c1", Turn("user", "Write *bold* text\n# not a heading", T0, T0 + timedelta(seconds=2))
        )
        store.record_turn(
            "c1",
            Turn(
                "assistant",
                "Ça va — “quotes”.",
                T0 + timedelta(seconds=3),
                T0 + timedelta(seconds=5),
                interrupted=True,
                latency_ms=321.4,
                item_id="item_9",
                usage=TurnUsage(TokenCounts(text_in=100, audio_out=200), 0.0132, "USD"),
            ),
        )
        conversation = store.load_conversation("c1")
        assert conversation is not None
        yield conversation


def test_json_export_round_trips_every_turn_field(stored, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out.json"
    export_conversation(stored, target)
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["format"] == "voicelive-desktop-conversation"
    assert document["id"] == "c1"
    assert document["started_at"] == "2026-03-01T09:30:00.000+00:00"
    assert document["turns"][1] == {
        "role": "assistant",
        "text": "Ça va — “quotes”.",
        "started_at": "2026-03-01T09:30:03.000+00:00",
        "ended_at": "2026-03-01T09:30:05.000+00:00",
        "interrupted": True,
        "latency_ms": 321.4,
        "item_id": "item_9",
        "usage": {
            "tokens": {
                "text_in": 100,
                "audio_in": 0,
                "cached_text_in": 0,
                "cached_audio_in": 0,
                "text_out": 0,
                "audio_out": 200,
            },
            "estimated_cost": 0.0132,
            "currency": "USD",
            "cost_is_estimate": True,
        },
        "tool_calls": [],
    }
    assert document["usage_total"]["estimated_cost"] == 0.0132
    assert document["turns"][0]["text"] == "Write *bold* text\n# not a heading"


def test_markdown_export_quotes_each_turn_and_marks_interruptions(stored, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out.md"
    export_conversation(stored, target)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Write *bold* text # not a heading\n")
    assert "**You** (09:30:00)\n\n> Write *bold* text\n> # not a heading\n" in text
    assert (
        "**Assistant** (09:30:03, 321 ms, interrupted, 300 tokens, ≈ $0.013 (estimate))\n\n"
        "> Ça va — “quotes”.\n"
    ) in text
    assert "Usage: 300 tokens, ≈ $0.013 (estimate)" in text


def test_export_replaces_an_existing_file_whole(stored, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out.md"
    target.write_text("old content " * 1000)
    export_conversation(stored, target)
    assert "old content" not in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.md")] == []


def test_export_to_a_missing_folder_raises_a_file_error(stored, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FileNotFoundError):
        export_conversation(stored, tmp_path / "missing" / "out.json")
