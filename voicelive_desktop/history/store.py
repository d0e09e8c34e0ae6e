"""The history database: durable per-turn writes, listing, search and deletion."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

from voicelive_desktop.app_dirs import data_directory
from voicelive_desktop.history import schema
from voicelive_desktop.history.records import Conversation, ConversationSummary, SearchHit, Turn
from voicelive_desktop.history.tool_call_record import TOOL_CALL_COLUMNS, ToolCallRecord
from voicelive_desktop.history.turn_usage import TurnUsage
from voicelive_desktop.recording.files import delete_recordings, recordings_dir

HISTORY_FILE_NAME = "history.sqlite3"
ROLES = ("user", "assistant")
TITLE_CHARS = 80


class HistoryUnavailable(Exception):
    """The history database cannot be opened or written; the message says why in one sentence."""


def default_history_path() -> Path:
    """The history database file the app uses unless told otherwise."""
    return data_directory() / HISTORY_FILE_NAME


def _to_epoch(moment: datetime) -> float:
    if moment.tzinfo is None:
        raise ValueError("history timestamps must be timezone-aware")
    return moment.timestamp()


def _from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _touch_conversation(
    db: sqlite3.Connection, conversation_id: str, started: float, ended: float
) -> None:
    """Create the conversation if it is new, else move its last update on to `ended`."""
    db.execute(
        "INSERT INTO conversations(id, started_at, updated_at, title)"
        " VALUES (?, ?, ?, '') ON CONFLICT(id)"
        " DO UPDATE SET updated_at = max(updated_at, excluded.updated_at)",
        (conversation_id, started, ended),
    )


def _title_from(text: str) -> str:
    one_line = " ".join(text.split())
    if len(one_line) <= TITLE_CHARS:
        return one_line
    return one_line[: TITLE_CHARS - 1].rstrip() + "…"


def _fts_query(query: str) -> str:
    # Each word becomes a quoted prefix term, so whatever the user types is never FTS syntax.
    return " ".join('"' + word.replace('"', '""') + '"*' for word in query.split())


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class HistoryStore:
    """Owns one connection to the history database and every read and write of it.

    Durability: WAL journal with `synchronous=FULL`. Every finished turn is its own committed
    transaction, and FULL makes SQLite fsync the WAL at each commit. A killed process (even
    `kill -9`) cannot lose a committed turn in WAL mode at either NORMAL or FULL, because the
    commit is already in the kernel's page cache; FULL also keeps it through a power cut or an
    OS crash, which NORMAL does not. One fsync per spoken turn costs nothing a user can notice.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_history_path()
        self._connection = self._open()
        self.full_text_search = self._has_table("turns_fts")

    # -- opening and schema ---------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self.path.exists():
                # Conversations are private: create the file owner-only before SQLite does.
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as error:
            raise HistoryUnavailable(
                f"Cannot create the history file {self.path}: {error.strerror or error}."
            ) from error
        connection: sqlite3.Connection | None = None
        try:
            connection = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
            mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise HistoryUnavailable(
                    f"The history file {self.path} cannot use write-ahead logging "
                    f"(journal mode stayed {mode!r}); is it on a network drive?"
                )
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA foreign_keys=ON")
            self._migrate(connection)
        except sqlite3.DatabaseError as error:
            if connection is not None:
                connection.close()
            raise HistoryUnavailable(
                f"The history file {self.path} is damaged or is not a history database "
                f"({error}); it was left as it is."
            ) from error
        except HistoryUnavailable:
            if connection is not None:
                connection.close()
            raise
        return connection

    def _migrate(self, connection: sqlite3.Connection) -> None:
        version = schema.installed_version(connection)
        if version > schema.SCHEMA_VERSION:
            raise HistoryUnavailable(
                f"The history file {self.path} was written by a newer version of the app "
                f"(schema {version}, this version reads up to {schema.SCHEMA_VERSION})."
            )
        if version < schema.SCHEMA_VERSION:
            schema.create(connection, version)

    def _has_table(self, name: str) -> bool:
        row = self._connection.execute(
            "SELECT 1 FROM sqlite_master WHERE name = ?", (name,)
        ).fetchone()
        return row is not None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise HistoryUnavailable(
                f"Cannot write the history file {self.path}: {error}."
            ) from error
        try:
            yield self._connection
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        try:
            self._connection.execute("COMMIT")
        except sqlite3.Error as error:
            self._connection.execute("ROLLBACK")
            raise HistoryUnavailable(
                f"Cannot write the history file {self.path}: {error}."
            ) from error

    # -- writing --------------------------------------------------------------------------

    def record_turn(self, conversation_id: str, turn: Turn) -> int:
        """Durably store a finished turn, creating its conversation if new; returns the turn id."""
        if turn.role not in ROLES:
            raise ValueError(f"turn role must be one of {ROLES}, not {turn.role!r}")
        started = _to_epoch(turn.started_at)
        ended = _to_epoch(turn.ended_at)
        try:
            with self._transaction() as db:
                _touch_conversation(db, conversation_id, started, ended)
                if turn.role == "user" and turn.text.strip():
                    db.execute(
                        "UPDATE conversations SET title = ? WHERE id = ? AND title = ''",
                        (_title_from(turn.text), conversation_id),
                    )
                cursor = db.execute(
                    "INSERT INTO turns(conversation_id, role, text, item_id, started_at, ended_at,"
                    " interrupted, latency_ms, usage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        conversation_id,
                        turn.role,
                        turn.text,
                        turn.item_id,
                        started,
                        ended,
                        int(turn.interrupted),
                        turn.latency_ms,
                        turn.usage.to_json() if turn.usage else None,
                    ),
                )
        except sqlite3.Error as error:
            raise HistoryUnavailable(
                f"Cannot write the history file {self.path}: {error}."
            ) from error
        row_id = cursor.lastrowid
        assert row_id is not None  # an INSERT always sets it
        return row_id

    def update_turn(
        self,
        turn_id: int,
        *,
        interrupted: bool | None = None,
        latency_ms: float | None = None,
        usage: TurnUsage | None = None,
    ) -> None:
        """Amend a stored turn with a fact that arrived after it finished (barge-in, latency)."""
        assignments: list[str] = []
        values: list[object] = []
        if interrupted is not None:
            assignments.append("interrupted = ?")
            values.append(int(interrupted))
        if latency_ms is not None:
            assignments.append("latency_ms = ?")
            values.append(latency_ms)
        if usage is not None:
            assignments.append("usage = ?")
            values.append(usage.to_json())
        if not assignments:
            return
        try:
            with self._transaction() as db:
                db.execute(
                    f"UPDATE turns SET {', '.join(assignments)} WHERE id = ?", (*values, turn_id)
                )
        except sqlite3.Error as error:
            raise HistoryUnavailable(
                f"Cannot write the history file {self.path}: {error}."
            ) from error

    def record_tool_call(
        self, conversation_id: str, turn_id: int | None, call: ToolCallRecord
    ) -> int:
        """Durably store a finished tool call with the turn it answered; returns its row id."""
        row = call.as_row()
        started = _to_epoch(call.started_at)
        try:
            with self._transaction() as db:
                _touch_conversation(db, conversation_id, started, started)
                cursor = db.execute(
                    f"INSERT INTO tool_calls(conversation_id, turn_id, {TOOL_CALL_COLUMNS})"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (conversation_id, turn_id, *row),
                )
        except sqlite3.Error as error:
            raise HistoryUnavailable(
                f"Cannot write the history file {self.path}: {error}."
            ) from error
        assert cursor.lastrowid is not None  # an INSERT always sets it
        return cursor.lastrowid

    def delete_conversation(self, conversation_id: str) -> bool:
        """Delete a conversation, all its turns and its audio recordings; False if there was
        no such conversation."""
        with self._transaction() as db:
            cursor = db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
        delete_recordings(recordings_dir(self.path), conversation_id)
        return cursor.rowcount > 0

    # -- reading --------------------------------------------------------------------------

    def list_conversations(self, limit: int | None = None) -> list[ConversationSummary]:
        """Conversations, most recently active first."""
        rows = self._connection.execute(
            "SELECT c.id, c.title, c.started_at, c.updated_at, count(t.id)"
            " FROM conversations c LEFT JOIN turns t ON t.conversation_id = c.id"
            " GROUP BY c.id ORDER BY c.updated_at DESC, c.started_at DESC LIMIT ?",
            (-1 if limit is None else limit,),
        ).fetchall()
        return [
            ConversationSummary(
                id=row[0],
                title=row[1],
                started_at=_from_epoch(row[2]),
                updated_at=_from_epoch(row[3]),
                turn_count=row[4],
            )
            for row in rows
        ]

    def load_conversation(self, conversation_id: str) -> Conversation | None:
        """The whole conversation, or None if it does not exist (for example, was deleted)."""
        header = self._connection.execute(
            "SELECT id, title, started_at, updated_at FROM conversations WHERE id = ?",
            (conversation_id,),
        ).fetchone()
        if header is None:
            return None
        rows = self._connection.execute(
            f"SELECT id, {_TURN_COLUMNS} FROM turns WHERE conversation_id = ?"
            " ORDER BY started_at, id",
            (conversation_id,),
        ).fetchall()
        call_rows = self._connection.execute(
            f"SELECT turn_id, {TOOL_CALL_COLUMNS} FROM tool_calls WHERE conversation_id = ?"
            " ORDER BY started_at, id",
            (conversation_id,),
        ).fetchall()
        calls_of: dict[int | None, list[ToolCallRecord]] = {}
        for call_row in call_rows:
            calls_of.setdefault(call_row[0], []).append(ToolCallRecord.from_row(call_row[1:]))
        return Conversation(
            id=header[0],
            title=header[1],
            started_at=_from_epoch(header[2]),
            updated_at=_from_epoch(header[3]),
            turns=tuple(
                dataclasses.replace(_turn_from_row(row[1:]), tool_calls=tuple(calls_of[row[0]]))
                if row[0] in calls_of
                else _turn_from_row(row[1:])
                for row in rows
            ),
            tool_calls=tuple(ToolCallRecord.from_row(r[1:]) for r in call_rows),
        )

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        """Turns containing every word of `query` (word prefixes with FTS5), newest first."""
        words = query.split()
        if not words:
            return []
        columns = ", ".join(f"t.{name}" for name in _TURN_COLUMNS.split(", "))
        if self.full_text_search:
            rows = self._connection.execute(
                f"SELECT c.id, c.title, {columns} FROM turns_fts f"
                " JOIN turns t ON t.id = f.rowid JOIN conversations c ON c.id = t.conversation_id"
                " WHERE turns_fts MATCH ? ORDER BY t.started_at DESC, t.id DESC LIMIT ?",
                (_fts_query(query), limit),
            ).fetchall()
        else:
            condition = " AND ".join("t.text LIKE ? ESCAPE '\\'" for _ in words)
            rows = self._connection.execute(
                f"SELECT c.id, c.title, {columns} FROM turns t"
                " JOIN conversations c ON c.id = t.conversation_id"
                f" WHERE {condition} ORDER BY t.started_at DESC, t.id DESC LIMIT ?",
                (*(_like_pattern(word) for word in words), limit),
            ).fetchall()
        return [
            SearchHit(
                conversation_id=row[0], conversation_title=row[1], turn=_turn_from_row(row[2:])
            )
            for row in rows
        ]

    # -- lifetime -------------------------------------------------------------------------

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


_TURN_COLUMNS = "role, text, item_id, started_at, ended_at, interrupted, latency_ms, usage"


def _turn_from_row(row: Sequence[Any]) -> Turn:
    role, text, item_id, started, ended, interrupted, latency, usage = row
    return Turn(
        role=role,
        text=text,
        item_id=item_id,
        started_at=_from_epoch(started),
        ended_at=_from_epoch(ended),
        interrupted=bool(interrupted),
        latency_ms=latency,
        usage=TurnUsage.from_json(usage),
    )
