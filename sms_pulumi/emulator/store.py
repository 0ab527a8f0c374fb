"""SQLite state of the emulator: one table per kind of object, each row an id and a JSON document.

One connection guarded by one re-entrant lock: every request runs in a single transaction
(``with store.transaction() as tx``), which makes concurrent requests safe and keeps the code
simple. ``path=None`` or ``":memory:"`` keeps everything in memory (tests); a file path survives a
restart. Documents are stored in their wire shape plus private ``_``-prefixed bookkeeping keys.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

KINDS = ("sources", "templates", "migprojects", "tasks", "taskgroups")

Doc = dict[str, Any]


class Tx:
    """Operations inside one transaction (obtained from :meth:`Store.transaction`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    @staticmethod
    def _table(kind: str) -> str:
        if kind not in KINDS:
            raise KeyError(kind)
        return kind

    def get(self, kind: str, obj_id: str) -> Doc | None:
        row = self._conn.execute(f"SELECT doc FROM {self._table(kind)} WHERE id = ?", (obj_id,)).fetchone()
        return None if row is None else cast(Doc, json.loads(row[0]))

    def list(self, kind: str) -> list[Doc]:
        rows = self._conn.execute(f"SELECT doc FROM {self._table(kind)} ORDER BY seq").fetchall()
        return [cast(Doc, json.loads(r[0])) for r in rows]

    def count(self, kind: str) -> int:
        row = self._conn.execute(f"SELECT COUNT(*) FROM {self._table(kind)}").fetchone()
        return int(row[0])

    def put(self, kind: str, obj_id: str, doc: Doc) -> None:
        # ON CONFLICT keeps the row (and its seq), so list order stays creation order.
        self._conn.execute(
            f"INSERT INTO {self._table(kind)} (id, doc) VALUES (?, ?) "
            "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
            (obj_id, json.dumps(doc, separators=(",", ":"))),
        )

    def delete(self, kind: str, obj_id: str) -> bool:
        cur = self._conn.execute(f"DELETE FROM {self._table(kind)} WHERE id = ?", (obj_id,))
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
        self._conn.execute("DELETE FROM meta WHERE key != 'clock'")


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
