"""History store: durable round trip, listing, search, deletion, and refusal of bad files."""

from __future__ import annotations

import sqlite3
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from voicelive_desktop.engine.usage import TokenCounts
from voicelive_desktop.history import (
    HistoryStore,
    HistoryUnavailable,
    Turn,
    default_history_path,
    schema,
)
from voicelive_desktop.history.turn_usage import TurnUsage

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)


def turn(role: str, text: str, offset_s: float, **extra: object) -> Turn:
    start = T0 + timedelta(seconds=offset_s)
    return Turn(
        role=role, text=text, started_at=start, ended_at=start + timedelta(seconds=1), **extra
    )  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    with HistoryStore(tmp_path / "history.sqlite3") as opened:
        yield opened  # type: ignore[misc]


def test_turns_survive_reopening_in_order_with_every_field(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "history.sqlite3"
    with HistoryStore(path) as store:
        store.record_turn("c1", turn("user", "What is the capital of France?", 0, item_id="u1"))
        store.record_turn(
            "c1",
            turn("assistant", "Paris.", 2, interrupted=True, latency_ms=412.5, item_id="a1"),
        )
    with HistoryStore(path) as reopened:
        conversation = reopened.load_conversation("c1")
    assert conversation is not None
    assert conversation.title == "What is the capital of France?"
    assert [t.role for t in conversation.turns] == ["user", "assistant"]
    assistant = conversation.turns[1]
    assert assistant == turn(
        "assistant", "Paris.", 2, interrupted=True, latency_ms=412.5, item_id="a1"
    )
    assert conversation.started_at == T0
    assert conversation.updated_at == T0 + timedelta(seconds=3)


def test_database_is_wal_with_full_sync_versioned_and_private(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    HistoryStore(path).close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    raw.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_turns_are_ordered_by_start_even_when_a_transcript_finishes_late(
    store: HistoryStore,
) -> None:
    # Voice transcription often completes after the assistant has begun answering.
    store.record_turn("c1", turn("assistant", "Sure.", 5))
    store.record_turn("c1", turn("user", "Tell me a joke", 1))
    conversation = store.load_conversation("c1")
    assert conversation is not None
    assert [t.text for t in conversation.turns] == ["Tell me a joke", "Sure."]


def test_conversations_are_listed_most_recent_first_with_counts(store: HistoryStore) -> None:
    store.record_turn("old", turn("user", "first chat", 0))
    store.record_turn("new", turn("user", "second chat", 100))
    store.record_turn("new", turn("assistant", "hello again", 101))
    listed = store.list_conversations()
    assert [(c.id, c.title, c.turn_count) for c in listed] == [
        ("new", "second chat", 2),
        ("old", "first chat", 1),
    ]
    assert [c.id for c in store.list_conversations(limit=1)] == ["new"]


def test_title_comes_from_the_first_user_turn_on_one_shortened_line(store: HistoryStore) -> None:
    store.record_turn("c1", turn("assistant", "Hi, how can I help?", 0))
    store.record_turn("c1", turn("user", "please\nexplain " + "very " * 40 + "slowly", 1))
    store.record_turn("c1", turn("user", "another question", 2))
    title = store.list_conversations()[0].title
    assert title.startswith("please explain very")
    assert title.endswith("…") and len(title) == 80


def test_search_finds_word_prefixes_across_conversations_and_ignores_case(
    store: HistoryStore,
) -> None:
    store.record_turn("c1", turn("user", "How tall is the Eiffel Tower?", 0))
    store.record_turn("c1", turn("assistant", "About 330 metres.", 1))
    store.record_turn("c2", turn("user", "Is the tower in Pisa leaning?", 50))
    hits = store.search("TOWER")
    assert [(h.conversation_id, h.turn.text) for h in hits] == [
        ("c2", "Is the tower in Pisa leaning?"),
        ("c1", "How tall is the Eiffel Tower?"),
    ]
    assert [h.turn.text for h in store.search("eiff tow")] == ["How tall is the Eiffel Tower?"]
    assert store.search("metre")[0].conversation_title == "How tall is the Eiffel Tower?"
    assert store.search("banana") == []
    assert store.search("   ") == []


@pytest.mark.parametrize(
    "query", ['"', "AND", "a OR", "NEAR(", "*", "col:x", "100%", "o'brien", "_"]
)
def test_search_treats_any_typed_text_as_words_not_syntax(store: HistoryStore, query: str) -> None:
    store.record_turn("c1", turn("user", "Is 100% of o'brien's AND-gate NEAR(x) here?", 0))
    store.search(query)  # must not raise


def test_search_without_fts5_falls_back_to_substring_matching(store: HistoryStore) -> None:
    store.record_turn("c1", turn("user", "50% off_road tires", 0))
    store.record_turn("c1", turn("user", "500 roads", 1))
    store.full_text_search = False
    assert [h.turn.text for h in store.search("50%")] == ["50% off_road tires"]
    assert [h.turn.text for h in store.search("f_r")] == ["50% off_road tires"]
    assert len(store.search("road")) == 2


def test_deleting_a_conversation_removes_its_turns_and_search_entries(store: HistoryStore) -> None:
    store.record_turn("c1", turn("user", "secret plans", 0))
    store.record_turn("c2", turn("user", "other plans", 10))
    assert store.delete_conversation("c1") is True
    assert store.load_conversation("c1") is None
    assert [h.conversation_id for h in store.search("plans")] == ["c2"]
    assert store.delete_conversation("c1") is False
    raw = sqlite3.connect(store.path)
    assert raw.execute("SELECT count(*) FROM turns WHERE conversation_id='c1'").fetchone()[0] == 0
    raw.close()


def test_updating_a_stored_turn_records_late_barge_in_and_latency(store: HistoryStore) -> None:
    turn_id = store.record_turn("c1", turn("assistant", "Long answer", 0))
    store.update_turn(turn_id, interrupted=True)
    store.update_turn(turn_id, latency_ms=250.0)
    conversation = store.load_conversation("c1")
    assert conversation is not None
    assert conversation.turns[0].interrupted is True
    assert conversation.turns[0].latency_ms == 250.0


def test_rejects_naive_timestamps_and_unknown_roles(store: HistoryStore) -> None:
    naive = datetime(2026, 1, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        store.record_turn("c1", Turn("user", "x", naive, naive))
    with pytest.raises(ValueError, match="role"):
        store.record_turn("c1", turn("system", "x", 0))
    assert store.list_conversations() == []


def test_a_file_that_is_not_a_database_is_reported_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    garbage = b"this is not sqlite" * 100
    path.write_bytes(garbage)
    with pytest.raises(HistoryUnavailable, match="damaged or is not a history database"):
        HistoryStore(path)
    assert path.read_bytes() == garbage


def test_a_database_from_a_newer_version_is_refused_not_altered(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    HistoryStore(path).close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version=99")
    raw.commit()
    raw.close()
    with pytest.raises(HistoryUnavailable, match="newer version"):
        HistoryStore(path)


def test_an_unwritable_location_gives_a_clear_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(HistoryUnavailable, match="Cannot create the history file"):
        HistoryStore(blocker / "history.sqlite3")


def test_default_path_follows_the_data_dir_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICELIVE_DESKTOP_DATA_DIR", str(tmp_path / "data"))
    assert default_history_path() == tmp_path / "data" / "history.sqlite3"


def test_a_version_1_history_gains_the_usage_column_and_keeps_its_turns(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    for statement in schema._split_statements(schema._SCHEMA_V1):
        connection.execute(statement)
    connection.execute(
        "INSERT INTO conversations(id, started_at, updated_at, title) VALUES ('c', 1, 2, 'old')"
    )
    connection.execute(
        "INSERT INTO turns(conversation_id, role, text, started_at, ended_at)"
        " VALUES ('c', 'user', 'from before', 1, 2)"
    )
    connection.execute("PRAGMA user_version=1")
    connection.close()
    with HistoryStore(path) as store:
        conversation = store.load_conversation("c")
        assert conversation is not None
        assert [(t.text, t.usage) for t in conversation.turns] == [("from before", None)]
        usage = TurnUsage(TokenCounts(text_in=5, audio_out=40), 0.002, "USD")
        turn_id = store.record_turn("c", turn("assistant", "priced", 3))
        store.update_turn(turn_id, usage=usage)
        again = store.load_conversation("c")
        assert again is not None and again.turns[-1].usage == usage
