"""The history database schema: its version, tables, full-text index and creation."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

SCHEMA_VERSION = 3

_SCHEMA_V1 = """
CREATE TABLE conversations (
    id          TEXT PRIMARY KEY,
    started_at  REAL NOT NULL,
    updated_at  REAL NOT NULL,
    title       TEXT NOT NULL DEFAULT ''
);
CREATE TABLE turns (
    id              INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    text            TEXT NOT NULL,
    item_id         TEXT NOT NULL DEFAULT '',
    started_at      REAL NOT NULL,
    ended_at        REAL NOT NULL,
    interrupted     INTEGER NOT NULL DEFAULT 0 CHECK (interrupted IN (0, 1)),
    latency_ms      REAL
);
CREATE INDEX turns_by_conversation ON turns(conversation_id, started_at, id);
CREATE INDEX conversations_by_update ON conversations(updated_at);
"""

# External-content FTS index kept in step with `turns` by triggers, so a turn and its index
# entry are written in the same transaction.
_FTS_V1 = """
CREATE VIRTUAL TABLE turns_fts USING fts5(
    text, content='turns', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER turns_fts_insert AFTER INSERT ON turns BEGIN
    INSERT INTO turns_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER turns_fts_delete AFTER DELETE ON turns BEGIN
    INSERT INTO turns_fts(turns_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER turns_fts_update AFTER UPDATE OF text ON turns BEGIN
    INSERT INTO turns_fts(turns_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO turns_fts(rowid, text) VALUES (new.id, new.text);
END;
"""


def installed_version(connection: sqlite3.Connection) -> int:
    """The schema version of an open database (0 for a new, empty file)."""
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


# Tool calls with the user turn they answered (NULL when none was stored, e.g. a greeting).
_TOOL_CALLS_V3 = """
CREATE TABLE tool_calls (
    id              INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    turn_id         INTEGER REFERENCES turns(id) ON DELETE SET NULL,
    call_id         TEXT NOT NULL,
    name            TEXT NOT NULL,
    arguments       TEXT NOT NULL,
    result          TEXT NOT NULL,
    status          TEXT NOT NULL,
    error           TEXT NOT NULL DEFAULT '',
    started_at      REAL NOT NULL,
    duration_ms     REAL NOT NULL
);
CREATE INDEX tool_calls_by_conversation ON tool_calls(conversation_id, started_at, id);
"""


def _add_usage(connection: sqlite3.Connection) -> None:
    connection.execute("ALTER TABLE turns ADD COLUMN usage TEXT")


def _add_tool_calls_and_search_index(connection: sqlite3.Connection) -> None:
    for statement in _split_statements(_TOOL_CALLS_V3):
        connection.execute(statement)
    # A database made where SQLite lacked FTS5 gets its index once FTS5 is there, built from
    # every turn already stored (search_conversation_history relies on it).
    has_index = connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'turns_fts'")
    if has_index.fetchone() is None and _fts5_available(connection):
        for statement in _split_statements(_FTS_V1):
            connection.execute(statement)
        connection.execute("INSERT INTO turns_fts(turns_fts) VALUES ('rebuild')")


# One step per version after 1, each taking the database from the version before to its own.
_UPGRADES: dict[int, Callable[[sqlite3.Connection], None]] = {
    # 2: the tokens (and estimated cost) each assistant turn was billed for, as JSON.
    2: _add_usage,
    # 3: tool calls, and the full-text index for databases that were made without one.
    3: _add_tool_calls_and_search_index,
}


def create(connection: sqlite3.Connection, version: int = 0) -> None:
    """Bring the schema from `version` (0: a new file) to the current one in one transaction
    (with the FTS5 index when available)."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        if version == 0:
            for statement in _split_statements(_SCHEMA_V1):
                connection.execute(statement)
            if _fts5_available(connection):
                for statement in _split_statements(_FTS_V1):
                    connection.execute(statement)
            version = 1
        for step in range(version + 1, SCHEMA_VERSION + 1):
            _UPGRADES[step](connection)
        connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _split_statements(script: str) -> list[str]:
    # executescript() would COMMIT our open transaction, so statements run one by one; trigger
    # bodies contain ';' and are kept whole by sqlite3.complete_statement.
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return statements


def _fts5_available(connection: sqlite3.Connection) -> bool:
    rows = connection.execute("PRAGMA compile_options").fetchall()
    return any(row[0] == "ENABLE_FTS5" for row in rows)
