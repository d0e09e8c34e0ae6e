"""search_conversation_history: FTS5 over the real history store, short dated excerpts."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

from voicelive_desktop.history.records import Turn
from voicelive_desktop.history.store import HistoryStore
from voicelive_desktop.tools.history_search import excerpt, history_search_tool, spoken_when

T0 = datetime(2026, 4, 2, 10, 0, tzinfo=timezone.utc)


def turn(role: str, text: str, minutes: int) -> Turn:
    at = T0 + timedelta(minutes=minutes)
    return Turn(role=role, text=text, started_at=at, ended_at=at)


def test_finds_earlier_conversations_newest_first(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        assert store.full_text_search
        store.record_turn("old", turn("user", "Tell me about the Mars rovers", 0))
        store.record_turn("old", turn("assistant", "Perseverance landed on Mars in 2021.", 1))
        store.record_turn("other", turn("user", "What about Venus?", 5))
        store.record_turn("now", turn("user", "search my history for Mars", 9))
        tool = history_search_tool(store.search, lambda: "now")
        result = asyncio.run(tool.handler({"query": "mars"}))
    assert [r["excerpt"] for r in result["results"]] == [
        "Perseverance landed on Mars in 2021.",
        "Tell me about the Mars rovers",
    ]
    assert [r["speaker"] for r in result["results"]] == ["assistant", "you"]
    local = (T0 + timedelta(minutes=1)).astimezone()
    assert result["results"][0]["date"] == f"{local:%Y-%m-%d %H:%M}"
    assert result["summary"].startswith("Found 2 mentions of mars; the latest, ")


def test_the_summary_says_when_as_a_person_would() -> None:
    now = datetime(2026, 12, 1, 9, 0).astimezone()
    assert spoken_when(now - timedelta(hours=1), now) == "today at 08:00"
    assert spoken_when(now - timedelta(hours=12), now) == "yesterday at 21:00"
    assert spoken_when(now - timedelta(days=6), now) == "on Wednesday 25 November"
    assert spoken_when(now - timedelta(days=400), now) == "on Monday 27 October 2025"


def test_a_mention_from_today_is_said_to_be_today(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record_turn("old", turn("user", "Tell me about Mars", 0))
        local = T0.astimezone()
        tool = history_search_tool(
            store.search, lambda: None, now=lambda: local + timedelta(hours=2)
        )
        result = asyncio.run(tool.handler({"query": "Mars"}))
    assert result["summary"] == (
        f"Found 1 mention of Mars; the latest, today at {local:%H:%M}: Tell me about Mars"
    )


def test_nothing_found_says_so(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        tool = history_search_tool(store.search, lambda: None)
        result = asyncio.run(tool.handler({"query": "Jupiter"}))
    assert result["results"] == []
    assert result["summary"] == "Nothing in your earlier conversations mentions Jupiter."


def test_excerpt_centres_on_the_match() -> None:
    text = "word " * 100 + "Mars is red " + "filler " * 100
    cut = excerpt(text, "mars", width=60)
    assert "Mars is red" in cut and cut.startswith("…") and cut.endswith("…")
    assert len(cut) <= 62
