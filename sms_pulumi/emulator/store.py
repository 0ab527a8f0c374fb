"""SQLite state of the emulator: one table per kind of record, each row an id and a JSON document.

One connection guarded by one re-entrant lock: every request runs in a single transaction
(``with store.transaction() as tx``), which makes concurrent requests safe and keeps the code
simple. ``path=None`` or ``":memory:"`` keeps everything in memory (tests); a file path survives a
restart. Documents are the records of :mod:`sms_pulumi.emulator.records`, stored as JSON and
validated when read, so a document always has its declared shape.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sms_pulumi.emulator.records import (
    MigProjectRecord,
    Record,
    SourceRecord,
    TaskGroupRecord,
    TaskRecord,
    TemplateRecord,
)

RECORDS: tuple[type[Record], ...] = (SourceRecord, TemplateRecord, MigProjectRecord, TaskRecord,
                                     TaskGroupRecord)
KINDS = tuple(r.KIND for r in RECORDS)
# The record shapes changed in version 2; an older file cannot be read (it holds untyped documents).
SCHEMA_VERSION = 2

R = TypeVar("R", bound=Record)


class Tx:
    """Operations inside one transaction (obtained from :meth:`Store.transaction`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, kind: type[R], key: str) -> R | None:
        row = self._conn.execute(f"SELECT doc FROM {kind.KIND} WHERE id = ?", (key,)).fetchone()
        return None if row is None else kind.model_validate_json(row[0])

    def list(self, kind: type[R]) -> list[R]:
        rows = self._conn.execute(f"SELECT doc FROM {kind.KIND} ORDER BY seq").fetchall()
        return [kind.model_validate_json(r[0]) for r in rows]

    def count(self, kind: type[Record]) -> int:
        row = self._conn.execute(f"SELECT COUNT(*) FROM {kind.KIND}").fetchone()
        return int(row[0])

    def put(self, record: Record) -> None:
        # ON CONFLICT keeps the row (and its seq), so list order stays creation order.
        self._conn.execute(
            f"INSERT INTO {record.KIND} (id, doc) VALUES (?, ?) "
            "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
            (record.key, record.model_dump_json()),
        )

    def delete(self, kind: type[Record], key: str) -> bool:
        cur = self._conn.execute(f"DELETE FROM {kind.KIND} WHERE id = ?", (key,))
        return cur.rowcount > 0

    def meta_get(self, key: str) -> Any:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def meta_set(self, key: str, value: Any) -> None:
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )

    def clear(self) -> None:
        for kind in KINDS:
            self._conn.execute(f"DELETE FROM {kind}")
        self._conn.execute("DELETE FROM meta WHERE key NOT IN ('clock', 'schema')")


class Store:
    def __init__(self, path: str | None = None) -> None:
        self.path = path if path not in (None, "") else ":memory:"
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        for kind in KINDS:
            self._conn.execute(
                f"CREATE TABLE IF NOT EXISTS {kind} "
                "(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, doc TEXT NOT NULL)"
            )
        self._conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self._depth = 0
        with self.transaction() as tx:
            version = tx.meta_get("schema")
            if version is None and tx.meta_get("seeded") is not None:
                self.close()
                raise RuntimeError(
                    f"{self.path} holds the state of an older emulator (untyped documents); "
                    "start from a new file (or delete this one)"
                )
            tx.meta_set("schema", SCHEMA_VERSION)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield Tx(self._conn)
            except BaseException:
                self._depth -= 1
                if outer:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
